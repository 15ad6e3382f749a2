"""Pages under load (issue 12): the family's pages make a bounded number of queries, the same
with one child as with six (no query per child or per enrolment)."""

from datetime import date

import pytest
from sqlalchemy import event

from portail_famille.extensions import db
from tests import fabriques
from tests.aides import planter_session
from tests.familles.conftest import DEBUT

PAGES = ("/espace-famille/", "/espace-famille/tarifs", "/espace-famille/inscriptions",
         "/espace-famille/enfants")
# What a page may cost at most, whatever the household: session, account, grid version,
# household, children, enrolments, QF records, pending documents, sibling ranks.
PLAFOND = 10


def _foyer(app, enfants: int) -> int:
    return fabriques.creer_foyer(app, enfants=tuple(
        fabriques.EnfantPrevu(f"Enfant{i}", date(2014 + i, 2, 1 + i), inscriptions=(
            fabriques.InscriptionPrevue("cantine", DEBUT),
            fabriques.InscriptionPrevue("garderie", DEBUT, jours="lundi,jeudi")))
        for i in range(enfants)), quotients=(fabriques.QuotientCAF(812),)).compte_id


def _requetes(app, compte_id: int, url: str) -> int:
    client = app.test_client()
    planter_session(client, compte_id, "famille")
    assert client.get(url).status_code == 200  # the session row is written once
    vues = []
    with app.app_context():
        moteur = db.engine

    def compter(*_args):
        vues.append(1)

    event.listen(moteur, "before_cursor_execute", compter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(moteur, "before_cursor_execute", compter)
    return len(vues)


@pytest.mark.parametrize("url", PAGES)
def test_autant_de_requetes_avec_six_enfants_qu_avec_un(app, url):
    un, six = _requetes(app, _foyer(app, 1), url), _requetes(app, _foyer(app, 6), url)
    assert six == un, f"{url} : {un} requêtes avec un enfant, {six} avec six"
    assert six <= PLAFOND


def test_le_tableau_de_bord_ne_cherche_pas_de_recuperation_quand_le_quotient_est_connu(app):
    # With a QF in force the home page never asks whether one is being fetched (issue 12 §5).
    avec = _requetes(app, _foyer(app, 1), "/espace-famille/")
    sans = _requetes(app, fabriques.creer_foyer(app).compte_id, "/espace-famille/")
    assert avec < sans


def test_le_tableau_de_bord_en_trois_requetes(app):
    # The page every signed-in family opens first (bench/web.py): the session, the account
    # with its household, the QF records with whether a document waits.
    assert _requetes(app, _foyer(app, 2), "/espace-famille/") == 3
