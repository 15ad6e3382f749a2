"""Fixtures of the worklists (the app and grid of ../conftest.py): an agent's client, signed in,
and households with what they sent to the town hall."""

import pytest

from portail_famille.extensions import db
from portail_famille.models import Justificatif
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.documents import PDF


@pytest.fixture
def agent_id(app):
    return creer_personnel(app, "agent", nom_usage="DUPONT", prenoms="Dominique")


def client_agent(app, compte_id: int, role: str = "agent"):
    client = app.test_client()
    planter_session(client, compte_id, role)
    return client


@pytest.fixture
def agent(app, agent_id):
    return client_agent(app, agent_id)


def deposer(app, famille_id: int, nature: str = "attestation_caf", contenu: bytes = PDF,
            type_mime: str = "application/pdf") -> int:
    """A document the family uploaded (already checked), waiting for an agent; its id."""
    with app.app_context():
        piece = Justificatif(famille_id=famille_id, nature=nature, type_mime=type_mime,
                             taille=len(contenu), contenu=contenu)
        db.session.add(piece)
        db.session.commit()
        return piece.id
