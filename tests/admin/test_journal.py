"""The audit journal (/admin/journal, issue 11 §8): filtered by dates, staff account and kind,
a page at a time, every kind with a French label, no family named in clear."""

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import portail_famille
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.services import corrections
from portail_famille.services import donnees
from portail_famille.services import grilles
from portail_famille.services import lecture_journal
from tests.aides import Page
from tests.aides import creer_famille
from tests.aides import creer_personnel

JOUR = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)




def ajouter(app, *evenements: dict) -> None:
    with app.app_context():
        db.session.add_all(Evenement(**e) for e in evenements)
        db.session.commit()


def lignes(reponse) -> list[list[str]]:
    corps = Page(reponse.text).tous("tbody")[0]
    return [[c.texte for c in tr.tous("td")] for tr in corps.tous("tr")]


def test_filtres_par_dates_compte_et_type_libelles_en_francais(app, admin):
    agent = creer_personnel(app, "agent", identifiant="agent.journal")
    famille = creer_famille(app, prenoms="Zoé", nom_naissance="SECRETE")
    with app.app_context():
        foyer = db.session.get(Compte, famille).famille_id
    ajouter(app,
            {"type": "connexion_personnel", "compte_id": agent, "quand": JOUR, "detail": "totp"},
            {"type": "consultation_agent", "compte_id": agent, "famille_id": foyer,
             "quand": JOUR + timedelta(days=1), "detail": "Accueil au guichet"},
            {"type": "connexion_franceconnect", "compte_id": famille,
             "quand": JOUR + timedelta(days=2)},
            {"type": "echec_connexion", "quand": JOUR - timedelta(days=3),
             "detail": "personnel"})
    toutes = admin.get("/admin/journal")
    assert toutes.status_code == 200
    assert len(lignes(toutes)) == 4
    assert "SECRETE" not in toutes.text and "Zoé" not in toutes.text
    assert f"Famille, compte n° {famille}" in toutes.text

    par_agent = lignes(admin.get("/admin/journal", query_string={"acteur": agent}))
    assert [ligne[1:3] for ligne in par_agent] == [
        ["Consultation d’un dossier par un agent", "agent.journal (agent)"],
        ["Connexion du personnel", "agent.journal (agent)"]]
    assert par_agent[0][3:] == [f"n° {foyer}", "Accueil au guichet"]

    par_type = lignes(admin.get("/admin/journal", query_string={"type": "echec_connexion"}))
    assert [ligne[1] for ligne in par_type] == ["Échec de connexion"]

    # Dates are the town hall's days, both ends included.
    par_dates = lignes(admin.get("/admin/journal", query_string={
        "du": "2026-11-20", "au": "21/11/2026"}))
    assert [ligne[1] for ligne in par_dates] == ["Consultation d’un dossier par un agent",
                                                 "Connexion du personnel"]


def test_pages_de_cinquante_les_liens_gardent_les_filtres(app, admin):
    ajouter(app, *({"type": "echec_connexion", "quand": JOUR + timedelta(minutes=i)}
                   for i in range(120)),
            {"type": "purge", "quand": JOUR})
    premiere = admin.get("/admin/journal", query_string={"type": "echec_connexion"})
    assert len(lignes(premiere)) == lecture_journal.PAR_PAGE
    assert "120 événements, page 1 sur 3" in premiere.text
    [suivante] = [a.get("href") for a in Page(premiere.text).tous("a")
                  if a.texte == "Page suivante"]
    assert "type=echec_connexion" in suivante and "page=2" in suivante
    troisieme = admin.get("/admin/journal", query_string={"type": "echec_connexion",
                                                          "page": "3"})
    assert len(lignes(troisieme)) == 20
    assert "Page suivante" not in troisieme.text
    # A page past the end or not a number: the nearest one.
    loin = admin.get("/admin/journal", query_string={"page": "99", "type": "echec_connexion"})
    assert "page 3 sur 3" in loin.text
    assert admin.get("/admin/journal", query_string={"page": "x"}).status_code == 200


@pytest.mark.parametrize(("requete", "champ", "message"), [
    ({"du": "2026-11-21", "au": "2026-11-20"}, "au", "doit suivre"),
    ({"du": "hier"}, "du", "date valide"),
    ({"acteur": "999999"}, "acteur", "choix valide"),
    ({"type": "inconnu"}, "type", "choix valide"),
])
def test_filtres_invalides_message_a_cote_du_champ(app, admin, requete, champ, message):
    reponse = admin.get("/admin/journal", query_string=requete)
    assert reponse.status_code == 422
    assert message in Page(reponse.text).par_id(f"{champ}-erreur").texte


def types_consignes() -> set[str]:
    """Every kind of event the code writes: literals given to `audit.consigner`, to the staff
    sign-in's failure helper, and the constants and f-string of the others."""
    trouves = {donnees.TYPE_CONSULTATION, corrections.TYPE_QUOTIENT, corrections.TYPE_TARIF,
               grilles.EVENEMENT_MODIFICATION, "inscription_validee", "inscription_refusee"}
    for fichier in Path(portail_famille.__file__).parent.rglob("*.py"):
        source = fichier.read_text(encoding="utf-8")
        trouves |= set(re.findall(r'consigner\(\s*"([a-z_]+)"', source))
        trouves |= set(re.findall(r'_echec\([^)]*"(echec_[a-z_]+)"', source))
    return trouves


def test_chaque_type_d_evenement_a_son_libelle_francais():
    types = types_consignes()
    assert {"connexion_personnel", "echec_second_facteur", "compte_desactive"} <= types
    assert sorted(types - lecture_journal.LIBELLES.keys()) == []


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requete=st.dictionaries(st.sampled_from(["du", "au", "acteur", "type", "page"]),
                               st.text(max_size=20), max_size=5))
def test_jamais_500(app, admin, requete):
    assert admin.get("/admin/journal", query_string=requete).status_code in (200, 400, 422)
