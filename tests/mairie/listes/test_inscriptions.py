"""Worklist 2 (issue 10 §4): the enrolments asked by families, validated or refused with a
reason; the family sees the new status and the reason; an email leaves with each decision;
a stale decision answers 409."""

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Courriel
from portail_famille.models import Evenement
from portail_famille.models import Inscription
from tests import fabriques
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.familles.conftest import DEBUT
from tests.familles.conftest import JOUR_DE_CLASSE
from tests.mairie.listes.conftest import client_agent


@pytest.fixture
def foyer(app):
    demandee = InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi", date_debut=JOUR_DE_CLASSE)
    return fabriques.creer_foyer(app, enfants=(
        EnfantPrevu("Léo", date(2018, 5, 3), inscriptions=(demandee,)),))


def inscription(app, inscription_id: int) -> Inscription:
    with app.app_context():
        inscrite = db.session.get(Inscription, inscription_id)
        db.session.expunge(inscrite)
        return inscrite


def courriels(app) -> list[Courriel]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Courriel)))


def test_la_liste_et_son_nombre(app, agent, foyer):
    accueil = Page(agent.get("/mairie/").text)
    assert "1 demande d’inscription" in [a.texte for a in accueil.tous("a")]
    page = Page(agent.get("/mairie/inscriptions").text)
    ligne, = page.tous("tr")[1:]
    assert "Léo MARTIN" in ligne.texte and "Cantine" in ligne.texte
    assert "Camille MARTIN" in ligne.texte


def test_valider(app, agent, agent_id, foyer):
    numero, = foyer.inscriptions
    reponse = agent.post(f"/mairie/inscriptions/{numero}/valider", data={"version": "1"})
    assert (reponse.status_code, reponse.location) == (303, "/mairie/inscriptions")
    with app.app_context():
        inscrite = db.session.get(Inscription, numero)
        assert inscrite.statut == "validee"
        derniere = inscrite.historique[-1]
        assert (derniere.action, derniere.role, derniere.compte_id, derniere.statut) == (
            "validation", "agent", agent_id, "validee")
        assert db.session.scalar(sa.select(Evenement.type).where(
            Evenement.compte_id == agent_id)) == "inscription_validee"
    courriel, = courriels(app)
    assert courriel.nature == "inscription_validee" and courriel.envoye_le is not None
    assert "Léo" in courriel.texte and "Cantine" in courriel.texte
    assert "le lundi et le jeudi" in courriel.html
    famille = app.test_client()
    planter_session(famille, foyer.compte_id, "famille")
    assert "Validée" in famille.get("/espace-famille/inscriptions").text
    assert "Aucune demande" in agent.get("/mairie/inscriptions").text


def test_refuser_avec_un_motif_que_la_famille_lit(app, agent, foyer):
    numero, = foyer.inscriptions
    page = agent.get(f"/mairie/inscriptions/{numero}/refus")
    assert page.status_code == 200
    reponse = agent.post(f"/mairie/inscriptions/{numero}/refus",
                         data={"version": "1", "motif": "Plus de place le jeudi."})
    assert reponse.status_code == 303
    inscrite = inscription(app, numero)
    assert (inscrite.statut, inscrite.motif) == ("refusee", "Plus de place le jeudi.")
    assert not inscrite.active
    famille = app.test_client()
    planter_session(famille, foyer.compte_id, "famille")
    liste = Page(famille.get("/espace-famille/inscriptions").text)
    etat, = [td for td in liste.tous("td") if td.get("data-label") == "État"]
    assert etat.texte == "Refusée Motif : Plus de place le jeudi."
    detail = famille.get(f"/espace-famille/inscriptions/{numero}").text
    assert "Refusée par la mairie : Plus de place le jeudi." in detail
    courriel, = courriels(app)
    assert courriel.nature == "inscription_refusee" and "Plus de place le jeudi." in courriel.texte
    # The family asks again: the request is back on the list, without the old reason.
    assert famille.post(f"/espace-famille/inscriptions/{numero}", data={
        "jours": ["lundi"], "date_debut": JOUR_DE_CLASSE.isoformat(),
        "version": str(inscrite.version)}).status_code == 303
    assert (inscription(app, numero).statut, inscription(app, numero).motif) == ("demandee", "")
    assert "Léo MARTIN" in agent.get("/mairie/inscriptions").text


@pytest.mark.parametrize("motif", ["", "   ", "x" * 501])
def test_un_refus_sans_motif_valable_n_enregistre_rien(app, agent, foyer, motif):
    numero, = foyer.inscriptions
    reponse = agent.post(f"/mairie/inscriptions/{numero}/refus",
                         data={"version": "1", "motif": motif})
    assert reponse.status_code == 422
    assert Page(reponse.text).par_id("motif-erreur").texte
    assert inscription(app, numero).statut == "demandee"
    assert courriels(app) == []


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=st.text(max_size=12), motif=st.text(st.characters(blacklist_categories=("Cs",)),
                                                    max_size=600))
def test_aucune_saisie_ne_donne_une_erreur_500(app, agent, foyer, version, motif):
    numero, = foyer.inscriptions
    for chemin in ("valider", "refus"):
        reponse = agent.post(f"/mairie/inscriptions/{numero}/{chemin}",
                             data={"version": version, "motif": motif})
        assert reponse.status_code in (303, 400, 409, 422)
    assert inscription(app, numero).statut in ("demandee", "validee", "refusee")


def test_une_demande_deja_decidee_ou_modifiee_repond_409(app, agent, foyer):
    numero, = foyer.inscriptions
    autre = client_agent(app, creer_personnel(app, "agent"))
    assert autre.post(f"/mairie/inscriptions/{numero}/valider",
                      data={"version": "1"}).status_code == 303
    for chemin, donnees in (("valider", {"version": "1"}),
                            ("refus", {"version": "1", "motif": "Complet."}),
                            ("valider", {"version": str(inscription(app, numero).version)})):
        reponse = agent.post(f"/mairie/inscriptions/{numero}/{chemin}", data=donnees)
        assert reponse.status_code == 409, (chemin, donnees)
        assert "Un autre agent a déjà traité cette demande" in reponse.text
    assert inscription(app, numero).statut == "validee"
    assert len(courriels(app)) == 1


def test_une_demande_modifiee_par_la_famille_entre_temps_repond_409(app, agent, foyer):
    numero, = foyer.inscriptions
    famille = app.test_client()
    planter_session(famille, foyer.compte_id, "famille")
    assert famille.post(f"/espace-famille/inscriptions/{numero}", data={
        "jours": ["lundi"], "date_debut": JOUR_DE_CLASSE.isoformat(),
        "version": "1"}).status_code == 303
    reponse = agent.post(f"/mairie/inscriptions/{numero}/valider", data={"version": "1"})
    assert reponse.status_code == 409
    assert inscription(app, numero).statut == "demandee"


def test_une_inscription_inconnue_repond_404(app, agent):
    assert agent.post("/mairie/inscriptions/999999/valider", data={"version": "1"}) \
        .status_code == 404
    assert agent.get("/mairie/inscriptions/999999/refus").status_code == 404
