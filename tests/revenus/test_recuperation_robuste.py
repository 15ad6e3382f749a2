"""The retrieval inside the sign-in callback stays within the FranceConnect token's 60 seconds
(both sources at once, a bounded wait), and the portal's own configuration problems are never
shown to a family as its fault (issue 4; securite.md E3, E4)."""

import json
import logging
import re
import threading
from datetime import date

import pytest
import responses

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.services import recuperation
from tests.aides import creer_famille
from tests.auth.faux_fournisseur import JETON_ACCES
from tests.auth.faux_fournisseur import URL_JETON_DGFIP
from tests.revenus.externes import API_PARTICULIER
from tests.revenus.externes import DGFIP
from tests.revenus.externes import REGLAGES_DONNEES
from tests.revenus.externes import REPONSE_CAF
from tests.revenus.externes import SCOPES_DONNEES
from tests.revenus.externes import SITUATION

ROUTE_CAF = f"{API_PARTICULIER}/v3/dss/quotient_familial/france_connect"
ROUTE_IDENTITE = f"{API_PARTICULIER}/v3/dss/quotient_familial/identite"
ROUTE_DGFIP = re.compile(rf"{re.escape(DGFIP)}/situations/ir/assiettes/annrev/\d{{4}}")
TYPE_DGFIP = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, URL_JETON_DGFIP, json={
            "access_token": "jeton-passerelle", "token_type": "Bearer", "expires_in": 300})
        yield mock


def caf(requete):
    return 200, {"Content-Type": "application/vnd.api+json"}, json.dumps(REPONSE_CAF)


def dgfip(requete):
    return 200, {"Content-Type": TYPE_DGFIP}, json.dumps(SITUATION)


def recuperer(app, sources=("dgfip", "caf"), **options):
    """The source of the QF kept, and the retrieval (its record read while still attached)."""
    with app.app_context():
        compte = db.session.get(Compte, creer_famille(app))
        resultat = recuperation.recuperer_apres_connexion(
            compte.famille_id, JETON_ACCES, SCOPES_DONNEES, sources, app.extensions["revenus"],
            date.today(), **options)
        db.session.commit()
        return resultat.quotient and resultat.quotient.source, resultat


def test_les_deux_sources_sont_interrogees_en_meme_temps(fabrique, mock):
    # Each answer waits for the other call to arrive: asked one after the other, they would
    # break the barrier instead of answering.
    ensemble = threading.Barrier(2, timeout=5)
    mock.add_callback(responses.GET, ROUTE_CAF, callback=lambda r: (ensemble.wait(), caf(r))[1])
    mock.add_callback(responses.GET, ROUTE_DGFIP,
                      callback=lambda r: (ensemble.wait(), dgfip(r))[1])
    source, resultat = recuperer(fabrique(**REGLAGES_DONNEES))
    assert (source, resultat.echecs) == ("dgfip", [])
    # The CAF also answered: its children are offered, but only the preferred QF is kept.
    assert [enfant.prenoms for enfant in resultat.enfants] == ["BASTIEN"]


def test_une_source_trop_lente_n_epuise_pas_le_jeton(fabrique, mock):
    libere = threading.Event()
    mock.add_callback(responses.GET, ROUTE_CAF, callback=caf)
    mock.add_callback(responses.GET, ROUTE_DGFIP,
                      callback=lambda r: (libere.wait(5), dgfip(r))[1])
    try:
        source, resultat = recuperer(fabrique(**REGLAGES_DONNEES), budget=0.2)
    finally:
        libere.set()
    assert source == "caf"
    assert [echec.classe for echec in resultat.echecs] == ["delai"]
    assert "trop de temps" in resultat.echecs[0].message


def test_une_source_sans_reglages_est_un_echec_technique_pas_une_erreur_500(fabrique, mock,
                                                                           caplog):
    # The boot check refuses this when serving; a grid edited later could still enable it.
    mock.add_callback(responses.GET, ROUTE_DGFIP, callback=dgfip)
    app = fabrique(**{**REGLAGES_DONNEES, "api_particulier_recipient": ""})
    source, resultat = recuperer(app, sources=("caf", "dgfip"))
    assert source == "dgfip"
    assert [echec.classe for echec in resultat.echecs] == ["technique"]
    assert "API_PARTICULIER_RECIPIENT" in caplog.text


def test_jeton_du_portail_refuse_signale_a_l_equipe_technique_pas_a_la_famille(fabrique, mock,
                                                                             caplog):
    caplog.set_level(logging.ERROR)
    mock.add(responses.GET, ROUTE_IDENTITE, status=401, content_type="application/vnd.api+json",
             json={"errors": [{"code": "00101", "title": "Jeton invalide", "detail": "x"}]})
    app = fabrique(**REGLAGES_DONNEES)
    identite = recuperation.IdentiteCivile(
        nom_naissance="DUBOIS", nom_usage=None, prenoms=("Angela",), sexe="F",
        date_naissance=date(1962, 8, 24), code_pays_naissance="99100",
        code_commune_naissance="75107")
    with app.app_context():
        compte = db.session.get(Compte, creer_famille(app))
        with pytest.raises(recuperation.RecuperationImpossible) as exc:
            recuperation.recuperer_par_identite(compte, identite, app.extensions["revenus"])
    assert exc.value.echec.classe == "technique"
    assert "FranceConnect" not in exc.value.echec.message
    assert "réglages du portail à vérifier" in caplog.text
