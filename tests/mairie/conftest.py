"""Fixtures of the back office: the family area's grid (periods that follow today's date),
a signed-in agent, and the agent's way of opening a file (the reason asked once)."""

import pytest

from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import planter_session
from tests.familles.conftest import GRILLE  # noqa: F401 (the grid the prices are checked on)
from tests.familles.conftest import fichier_grille  # noqa: F401 (a fixture)


@pytest.fixture
def app(fabrique_du_module, fichier_grille):  # noqa: F811
    partagee = fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                                  tarifs_fichier=fichier_grille)
    with partagee.pour_un_test() as app:
        yield app


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)


def connecter_agent(app, client, role: str = "agent", **champs) -> int:
    compte_id = creer_personnel(app, role, **champs)
    planter_session(client, compte_id, role)
    return compte_id


@pytest.fixture
def agent(app, client):
    """An agent signed in on `client`: their account id."""
    return connecter_agent(app, client, nom_naissance="DURAND", prenoms="Agnès")


def ouvrir(client, famille_id: int, motif: str = "guichet"):
    """Open the household's file, giving the reason when it is asked; the file's page."""
    reponse = client.get(f"/mairie/familles/{famille_id}")
    if 'name="motif"' in reponse.text:
        assert client.post(f"/mairie/familles/{famille_id}",
                           data={"motif": motif}).status_code == 303
        reponse = client.get(f"/mairie/familles/{famille_id}")
    assert reponse.status_code == 200, reponse.text
    return reponse
