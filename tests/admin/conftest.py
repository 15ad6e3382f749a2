import pytest

from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import planter_session
from tests.grilles_essai import ecrire


@pytest.fixture(scope="module")
def fichier_grille(tmp_path_factory):
    return ecrire(tmp_path_factory.mktemp("grille"))


@pytest.fixture
def app(fabrique_du_module, fichier_grille, monkeypatch):
    hachage_rapide(monkeypatch)
    with fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                            tarifs_fichier=fichier_grille).pour_un_test() as app:
        yield app


@pytest.fixture
def admin(app):
    """A test client signed in as an admin."""
    client = app.test_client()
    planter_session(client, creer_personnel(app, "admin", identifiant="admin.durand"), "admin")
    return client
