"""What a family reads about each connector failure: one table, a sentence for every class."""

import re
from datetime import UTC
from datetime import datetime

import pytest

from portail_famille.connecteurs import exceptions
from portail_famille.services import recuperation

CLASSES = [c for c in vars(exceptions).values()
           if isinstance(c, type) and issubclass(c, exceptions.ErreurAPI)]


def test_chaque_exception_des_connecteurs_est_couverte():
    assert len(CLASSES) >= 16


@pytest.mark.parametrize("classe", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_messages_pour_les_familles(classe):
    message = recuperation.message_de(classe())
    assert message.endswith(".")
    assert "HTTP" not in message


def test_la_fin_de_maintenance_dite_a_l_heure_de_paris():
    fin = exceptions.APIEnMaintenance(status=503, jusqu_a=datetime(2026, 1, 4, 22, 45, tzinfo=UTC))
    assert "23 h 45" in recuperation.message_de(fin)  # Paris time, winter


def test_un_sous_type_sans_ligne_prend_le_message_de_son_parent():
    class Nouvelle(exceptions.ServiceIndisponible):
        pass

    assert recuperation.message_de(Nouvelle()) == recuperation.message_de(
        exceptions.ServiceIndisponible())


def test_l_apostrophe_des_messages_est_typographique():
    textes = [*recuperation.MESSAGES_DES_ERREURS.values(), *recuperation.MESSAGES.values()]
    assert [t for t in textes if re.search(r"\w'\w", t)] == []
