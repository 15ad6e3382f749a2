"""Right after sign-in, the QF is fetched with the FranceConnect access token from data APIs
that are not the sandbox (issue 4): every outside party is stubbed with `responses`."""

import json
import logging
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.config import RACINE_PROJET
from portail_famille.extensions import db
from portail_famille.models import QuotientFamilial
from portail_famille.services import tarifs
from portail_famille.web import affichage
from tests.aides import sans_attente
from tests.auth.faux_fournisseur import ISSUER
from tests.auth.faux_fournisseur import JETON_ACCES
from tests.auth.faux_fournisseur import JETON_PASSERELLE
from tests.auth.faux_fournisseur import parametres
from tests.revenus.externes import REGLAGES_DONNEES
from tests.revenus.externes import REPONSE_CAF
from tests.revenus.externes import SITUATION
from tests.revenus.externes import client_de
from tests.revenus.externes import se_connecter


def quotients(app) -> list[QuotientFamilial]:
    with app.app_context():
        return list(db.session.scalars(sa.select(QuotientFamilial)))


def grille_caf_d_abord(tmp_path):
    texte = ((RACINE_PROJET / "tarifs.yaml").read_text(encoding="utf-8")
             .replace("sources: [dgfip, caf]", "sources: [caf, dgfip]"))
    chemin = tmp_path / "caf-d-abord.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin




def test_qf_municipal_dgfip_prefere_et_prix_de_la_grille(fabrique, externes):
    fc, apis = externes
    app = fabrique(**REGLAGES_DONNEES)
    page = se_connecter(client_de(app), fc)
    assert page.status_code == 200
    # Both sources are asked at once (the token lives 60 s); only the preferred one is kept.
    assert sorted(apis.appels) == ["caf", f"dgfip-{date.today().year - 1}"]
    assert "1\u202f258,67\u00a0€" in page.text
    assert "37\u202f760 € ÷ 12 ÷ 2,5 parts" in page.text
    (enregistrement,) = quotients(app)
    assert (enregistrement.source, enregistrement.mode, enregistrement.fournisseur) == \
        ("dgfip", "france_connect", "DGFiP")
    assert (enregistrement.valeur, enregistrement.rfr, enregistrement.parts) == \
        (Decimal("1258.67"), 37760, Decimal("2.50"))
    assert enregistrement.annrev == date.today().year - 1
    # The prices shown are the grid's for that QF, as the CLI computes them; the family has
    # not said where it lives yet, so the non-resident rule applies.
    with app.app_context():
        grille = app.extensions["grille"].obtenir().grille
        attendu = tarifs.simuler_json(grille, date.today(),
                                      tarifs.Situation(Decimal("1258.67"), hors_commune=True))
    for service in attendu["services"].values():
        assert affichage.euros(Decimal(service["prix"])) in page.text


def test_une_ligne_par_fait_la_date_d_obtention_avance(fabrique, externes):
    fc, apis = externes
    app = fabrique(**REGLAGES_DONNEES)
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=UTC), tick=False):
        se_connecter(client_de(app), fc)
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        se_connecter(client_de(app), fc)
        se_connecter(client_de(app), fc)
    (enregistrement,) = quotients(app)
    assert enregistrement.recupere_le == datetime(2026, 12, 2, 9, tzinfo=UTC)
    # Something changed: a new row, and the history keeps the earlier fact.
    apis.dgfip = {date.today().year - 1: (200, {**SITUATION, "rfr": 40000})}
    se_connecter(client_de(app), fc)
    assert sorted(q.rfr for q in quotients(app)) == [37760, 40000]


def test_annee_precedente_si_la_derniere_manque(fabrique, externes):
    fc, apis = externes
    apis.dgfip = {date.today().year - 2: (200, {**SITUATION, "rfr": 30000})}
    app = fabrique(**REGLAGES_DONNEES)
    se_connecter(client_de(app), fc)
    assert [appel for appel in apis.appels if appel.startswith("dgfip")] == [
        f"dgfip-{date.today().year - 1}", f"dgfip-{date.today().year - 2}"]
    assert quotients(app)[0].valeur == Decimal("1000.00")


def test_caf_quand_les_impots_ne_trouvent_rien(fabrique, externes):
    fc, apis = externes
    apis.dgfip = {}
    app = fabrique(**REGLAGES_DONNEES)
    page = se_connecter(client_de(app), fc)
    assert "caf" in apis.appels
    assert "1\u202f340,00\u00a0€" in page.text
    assert "transmis par la CAF via FranceConnect" in page.text
    (enregistrement,) = quotients(app)
    assert (enregistrement.source, enregistrement.fournisseur, enregistrement.annee,
            enregistrement.mois, enregistrement.reference) == \
        ("caf", "CNAF", 2026, 11, "3f1e2d4c-5b6a-4789-9abc-def012345678")


def test_ordre_de_preference_de_la_grille(fabrique, externes, tmp_path):
    fc, apis = externes
    app = fabrique(**REGLAGES_DONNEES, tarifs_fichier=grille_caf_d_abord(tmp_path))
    se_connecter(client_de(app), fc)
    assert sorted(apis.appels) == ["caf", f"dgfip-{date.today().year - 1}"]
    assert [q.source for q in quotients(app)] == ["caf"]


def test_qf_caf_zero_non_calculable_puis_impots(fabrique, externes, tmp_path):
    fc, apis = externes
    corps = json.loads(json.dumps(REPONSE_CAF))
    corps["data"]["quotient_familial"]["valeur"] = 0
    apis.caf = (200, corps)
    app = fabrique(**REGLAGES_DONNEES, tarifs_fichier=grille_caf_d_abord(tmp_path))
    se_connecter(client_de(app), fc)
    assert quotients(app)[0].source == "dgfip"


@pytest.mark.parametrize("statut", [503, 502, 429, 500])
def test_toutes_les_sources_en_panne_tarif_sans_quotient_annonce(fabrique, externes, statut):
    fc, apis = externes
    apis.caf = (statut, {"errors": [{"code": "35999", "title": "Erreur", "detail": "x"}]})
    apis.dgfip = {annee: (statut, {}) for annee in (date.today().year - 1, date.today().year - 2)}
    app = fabrique(**REGLAGES_DONNEES)
    sans_attente(app)
    page = se_connecter(client_de(app), fc)
    assert quotients(app) == []
    assert "n’a pas pu être obtenu automatiquement" in page.text
    assert "tarif sans quotient familial (le plus élevé)" in page.text
    with app.app_context():
        grille = app.extensions["grille"].obtenir().grille
        attendu = tarifs.simuler_json(grille, date.today(),
                                      tarifs.Situation(None, hors_commune=True))
    for service in attendu["services"].values():
        assert affichage.euros(Decimal(service["prix"])) in page.text


def test_refus_du_partage_aucun_appel(fabrique, externes):
    fc, apis = externes
    app = fabrique(**REGLAGES_DONNEES)
    page = se_connecter(client_de(app), fc, donnees="0")
    assert apis.appels == []
    assert quotients(app) == []
    assert "Nous n’avons pas encore votre quotient familial" in page.text


def test_scopes_de_donnees_non_accordes_aucun_appel(fabrique, externes):
    fc, apis = externes
    app = fabrique(**REGLAGES_DONNEES)
    client = client_de(app)
    reponse = client.get("/connexion/franceconnect")
    demande = parametres(reponse.location)
    fc.nonce = demande["nonce"]
    fc.scope = "openid identite_pivot email"
    client.get("/connexion/franceconnect/retour",
               query_string={"code": "c", "state": demande["state"], "iss": ISSUER})
    page = client.get("/espace-famille/")
    assert apis.appels == []
    assert "pas autorisé le partage" in page.text


def test_rien_de_la_reponse_au_dela_de_la_provenance_en_base(fabrique, externes):
    fc, apis = externes
    apis.dgfip = {}
    app = fabrique(**REGLAGES_DONNEES)
    se_connecter(client_de(app), fc)
    with app.app_context():
        # Every table, sessions included: the CAF's proposals wait there, encrypted.
        contenu = repr([tuple(ligne) for t in db.metadata.sorted_tables
                        for ligne in db.session.execute(sa.select(t))])
    for extrait in ("VERDURIER", "ODILE", "BASTIEN", "ACACIAS", "69100", "1981-05-06"):
        assert extrait not in contenu


def test_journaux_sans_identite_jeton_ni_revenu(fabrique, externes, caplog):
    fc, apis = externes
    caplog.set_level(logging.DEBUG)
    app = fabrique(**REGLAGES_DONNEES)
    se_connecter(client_de(app), fc)
    apis.dgfip = {}
    client = client_de(app)
    se_connecter(client, fc)
    for secret in (JETON_ACCES, JETON_PASSERELLE, "jeton-api-particulier-de-test",
                   "secret-dgfip", "DUBOIS", "Angela", "1962-08-24", "75107",
                   "wossewodda", "VERDURIER", "37760", "1258.67", "1340", "recipient=",
                   fc.nonce):
        assert secret not in caplog.text, secret
