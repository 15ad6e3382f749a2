"""Worklist 3 (issue 10 §4, securite.md G2): the families' deletion requests, with what
processing one removes and what the law requires keeping; processed or declined with a reason
the family reads; audited; a second decision answers 409."""

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Avoir
from portail_famille.models import Compte
from portail_famille.models import ContestationResidence
from portail_famille.models import Courriel
from portail_famille.models import DemandeSuppression
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import OperationPaiement
from portail_famille.models import QuotientFamilial
from portail_famille.models import SecondAdulte
from portail_famille.models import SessionServeur
from tests import fabriques
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.familles.conftest import DEBUT
from tests.mairie.listes.conftest import client_agent
from tests.mairie.listes.conftest import deposer


@pytest.fixture
def foyer(app):
    foyer = fabriques.creer_foyer(
        app, enfants=(EnfantPrevu("Léo", date(2018, 5, 3), inscriptions=(
            InscriptionPrevue("cantine", DEBUT, statut="validee"),)),
                      EnfantPrevu("Zoé", date(2021, 1, 9))),
        quotients=(QuotientCAF(640),),
        second_adulte={"nom": "MARTIN", "prenoms": "Alex", "courriel": "alex@exemple.test"})
    piece = deposer(app, foyer.famille_id)
    with app.app_context():
        db.session.get(Justificatif, piece).statut = "accepte"
        db.session.scalars(sa.select(QuotientFamilial)).one().justificatif_id = piece
        db.session.add(ContestationResidence(famille_id=foyer.famille_id, message="Erreur"))
        db.session.add(Courriel(famille_id=foyer.famille_id, nature="qf_expire", cle="c:1",
                                destinataire="camille@exemple.test", sujet="s", texte="t",
                                html="h"))
        db.session.add(Evenement(type="connexion", compte_id=foyer.compte_id,
                                 famille_id=foyer.famille_id))
        db.session.commit()
    fabriques.creer_facture(app, foyer.famille_id, fabriques.LignePrevue(foyer.enfants[0]),
                            avoir=fabriques.AvoirPrevu(), paiement=fabriques.PaiementPrevu())
    return foyer


def demander(app, foyer):
    famille = app.test_client()
    planter_session(famille, foyer.compte_id, "famille")
    assert famille.post("/espace-famille/donnees/suppression",
                        data={"confirmation": "y"}).status_code == 303
    with app.app_context():
        return famille, db.session.scalar(sa.select(DemandeSuppression.id))


def compter(app, modele, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(modele).where(
            *conditions))


def test_l_apercu_dit_ce_qui_est_efface_et_ce_qui_est_conserve(app, agent, foyer):
    _, demande = demander(app, foyer)
    accueil = Page(agent.get("/mairie/").text)
    assert "1 demande de suppression" in [a.texte for a in accueil.tous("a")]
    liste = Page(agent.get("/mairie/suppressions").text)
    assert "Camille MARTIN" in liste.tous("tr")[1].texte
    page = Page(agent.get(f"/mairie/suppressions/{demande}").text)
    efface_, conserve_ = page.tous("table")
    efface = {ligne.tous("td")[0].texte: ligne.tous("td")[1].texte
              for ligne in efface_.tous("tr")[1:]}
    assert efface["Comptes des adultes (identité FranceConnect, courriel)"] == "1"
    assert efface["Enfants jamais inscrits à un service"] == "1"
    assert efface["Justificatifs de revenus déposés (les fichiers)"] == "1"
    conserve = {ligne.tous("td")[0].texte: ligne.tous("td")[2].texte
                for ligne in conserve_.tous("tr")[1:]}
    assert "comptabilité publique" in conserve["Inscriptions"]
    comptes = {ligne.tous("td")[0].texte: ligne.tous("td")[1].texte
               for ligne in conserve_.tous("tr")[1:]}
    assert comptes["Factures émises, leurs avoirs et les paiements reçus au guichet"] == "1"
    assert comptes["Paiements en ligne des factures (PayFiP)"] == "1"
    assert "comptabilité publique" in conserve["Paiements en ligne des factures (PayFiP)"]
    assert "1 inscription en cours" in " ".join(p.texte for p in page.tous("p"))


def test_traiter_la_demande(app, agent, agent_id, foyer):
    famille, demande = demander(app, foyer)
    assert famille.get("/espace-famille/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionServeur)) >= 1
    reponse = agent.post(f"/mairie/suppressions/{demande}/effectuer",
                         data={"effacer-confirmation": "y"})
    assert (reponse.status_code, reponse.location) == (303, "/mairie/suppressions")
    # Removed
    assert compter(app, Compte, Compte.famille_id == foyer.famille_id) == 0
    assert compter(app, SessionServeur, SessionServeur.compte_id == foyer.compte_id) == 0
    assert compter(app, SecondAdulte) == 0
    assert compter(app, Justificatif) == 0
    assert compter(app, ContestationResidence) == 0
    assert compter(app, Courriel) == 0
    assert compter(app, Enfant, Enfant.prenoms == "Zoé") == 0
    # Kept for billing, with no link to the adults left
    assert compter(app, Enfant, Enfant.prenoms == "Léo") == 1
    assert compter(app, Inscription) == 1
    assert compter(app, HistoriqueInscription) == 1
    assert compter(app, QuotientFamilial, QuotientFamilial.justificatif_id.is_(None)) == 1
    assert compter(app, Facture, Facture.famille_id == foyer.famille_id) == 1
    assert compter(app, Avoir) == 1
    assert compter(app, OperationPaiement, OperationPaiement.famille_id == foyer.famille_id,
                   OperationPaiement.etat == "payee") == 1
    with app.app_context():
        famille_ = db.session.get(Famille, foyer.famille_id)
        assert (famille_.adresse_voie, famille_.code_postal) == ("", "35000")
        traitee = db.session.get(DemandeSuppression, demande)
        assert (traitee.statut, traitee.traitee_par_id, traitee.compte_id) == (
            "traitee", agent_id, None)
        journal = list(db.session.scalars(sa.select(Evenement).where(
            Evenement.famille_id == foyer.famille_id)))
        assert foyer.compte_id not in {e.compte_id for e in journal}
        effectuee, = [e for e in journal if e.type == "suppression_effectuee"]
        assert effectuee.compte_id == agent_id and "compte=1" in effectuee.detail
    # Nobody can use the household's session any more.
    assert famille.get("/espace-famille/").status_code == 302
    assert "Aucune demande de suppression" in agent.get("/mairie/suppressions").text


def test_refuser_avec_un_motif_que_la_famille_lit(app, agent, foyer):
    famille, demande = demander(app, foyer)
    reponse = agent.post(f"/mairie/suppressions/{demande}/refuser",
                         data={"refuser-motif": "Une facture de cantine reste à régler."})
    assert reponse.status_code == 303
    assert compter(app, Compte, Compte.famille_id == foyer.famille_id) == 1
    page = famille.get("/espace-famille/donnees").text
    assert "La mairie a refusé votre demande de suppression" in page
    assert "Une facture de cantine reste à régler." in page
    with app.app_context():
        assert db.session.scalar(sa.select(Evenement.type).where(
            Evenement.type == "suppression_refusee")) == "suppression_refusee"
    # The family may ask again.
    assert famille.post("/espace-famille/donnees/suppression",
                        data={"confirmation": "y"}).status_code == 303
    assert compter(app, DemandeSuppression, DemandeSuppression.statut == "a_traiter") == 1


@pytest.mark.parametrize(("action", "donnees", "champ"), [
    ("effectuer", {}, "effacer-confirmation"),
    ("refuser", {"refuser-motif": " "}, "refuser-motif"),
    ("refuser", {"refuser-motif": "x" * 501}, "refuser-motif"),
])
def test_une_decision_incomplete_n_enregistre_rien(app, agent, foyer, action, donnees, champ):
    _, demande = demander(app, foyer)
    reponse = agent.post(f"/mairie/suppressions/{demande}/{action}", data=donnees)
    assert reponse.status_code == 422
    assert Page(reponse.text).par_id(f"{champ}-erreur").texte
    assert compter(app, DemandeSuppression, DemandeSuppression.statut == "a_traiter") == 1
    assert compter(app, Compte, Compte.famille_id == foyer.famille_id) == 1


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(motif=st.text(st.characters(blacklist_categories=("Cs",)), max_size=600),
       confirmation=st.text(max_size=5))
def test_aucune_saisie_ne_donne_une_erreur_500(app, agent, foyer, motif, confirmation):
    demande = nouvelle_demande(app, foyer.famille_id)
    refus = agent.post(f"/mairie/suppressions/{demande}/refuser",
                       data={"refuser-motif": motif})
    assert refus.status_code in (303, 400, 422)
    autre = nouvelle_demande(app, foyer.famille_id)
    effacement = agent.post(f"/mairie/suppressions/{autre}/effectuer",
                            data={"effacer-confirmation": confirmation})
    assert effacement.status_code in (303, 400, 422)


def nouvelle_demande(app, famille_id: int) -> int:
    with app.app_context():
        demande = DemandeSuppression(famille_id=famille_id)
        db.session.add(demande)
        db.session.commit()
        return demande.id


def test_une_demande_deja_traitee_par_un_autre_agent_repond_409(app, agent, foyer):
    _, demande = demander(app, foyer)
    autre = client_agent(app, creer_personnel(app, "agent"))
    assert autre.post(f"/mairie/suppressions/{demande}/refuser",
                      data={"refuser-motif": "Doublon."}).status_code == 303
    for action, donnees in (("effectuer", {"effacer-confirmation": "y"}),
                            ("refuser", {"refuser-motif": "Autre motif."})):
        reponse = agent.post(f"/mairie/suppressions/{demande}/{action}", data=donnees)
        assert reponse.status_code == 409
        assert "Un autre agent a déjà traité cette demande" in reponse.text
    assert compter(app, Compte, Compte.famille_id == foyer.famille_id) == 1
    with app.app_context():
        assert db.session.get(DemandeSuppression, demande).motif == "Doublon."


def test_une_demande_inconnue_repond_404(app, agent):
    assert agent.get("/mairie/suppressions/999999").status_code == 404
    assert agent.post("/mairie/suppressions/999999/effectuer").status_code == 404
