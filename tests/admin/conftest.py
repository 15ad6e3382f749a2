import pytest

from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import planter_session


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)


@pytest.fixture
def admin(app):
    """A signed-in admin's client; its account id as `compte_id`."""
    compte_id = creer_personnel(app, "admin", identifiant="admin.chef")
    client = app.test_client()
    planter_session(client, compte_id, "admin")
    client.compte_id = compte_id
    return client
