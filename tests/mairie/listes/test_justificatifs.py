"""Worklist 1 (issue 10 §4): the documents families uploaded, shown safely, accepted with what
the agent read (a QF record naming the agent) or refused with a reason the family reads;
emails queued with the decision; a second decision answers 409."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.domaine import francais
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Courriel
from portail_famille.models import Evenement
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.services import decisions
from portail_famille.services import justificatifs
from portail_famille.services.donnees import TYPE_CONSULTATION
from tests import fabriques
from tests.aides import Page
from tests.aides import creer_personnel
from tests.aides import planter_session
from tests.documents import PNG
from tests.mairie.listes.conftest import client_agent
from tests.mairie.listes.conftest import deposer


@pytest.fixture
def foyer(app):
    return fabriques.creer_foyer(app, prenom="Camille", nom="MARTIN")


def famille_client(app, foyer):
    client = app.test_client()
    planter_session(client, foyer.compte_id, "famille")
    return client


def lignes(app, modele, *conditions):
    with app.app_context():
        return list(db.session.scalars(sa.select(modele).where(*conditions)))


def test_la_liste_et_son_nombre_sur_l_accueil(app, agent, foyer):
    deposer(app, foyer.famille_id)
    deposer(app, foyer.famille_id, nature="avis_impot")
    accueil = Page(agent.get("/mairie/").text)
    lien = [a for a in accueil.tous("a") if a.get("href") == "/mairie/justificatifs"]
    assert [a.texte for a in lien] == ["2 justificatifs à vérifier"]
    page = agent.get("/mairie/justificatifs")
    assert page.status_code == 200
    lignes_ = Page(page.text).tous("tr")[1:]
    assert len(lignes_) == 2
    assert "Camille MARTIN" in lignes_[0].texte
    assert "Attestation de quotient familial" in lignes_[0].texte


@pytest.mark.parametrize(("contenu", "type_mime", "balise", "fichier"), [
    (None, "application/pdf", "iframe", "pdf"), (PNG, "image/png", "img", "png")])
def test_le_document_montre_sans_risque_et_consigne_une_consultation(
        app, agent, agent_id, foyer, contenu, type_mime, balise, fichier):
    piece = deposer(app, foyer.famille_id, **({"contenu": contenu} if contenu else {}),
                    type_mime=type_mime)
    page = Page(agent.get(f"/mairie/justificatifs/{piece}").text)
    cadre, = page.tous(balise)
    assert cadre.get("src") == f"/mairie/justificatifs/{piece}/document"
    assert cadre.get("title" if balise == "iframe" else "alt")
    assert [a for a in page.tous("a")
            if a.get("href") == f"/mairie/justificatifs/{piece}/document?telecharger=1"]
    assert lignes(app, Evenement, Evenement.type == TYPE_CONSULTATION) == []  # not yet seen

    reponse = agent.get(f"/mairie/justificatifs/{piece}/document")
    assert reponse.status_code == 200
    assert reponse.mimetype == type_mime
    assert reponse.headers["Content-Disposition"] == \
        f'inline; filename="justificatif-{piece}.{fichier}"'
    assert reponse.headers["X-Content-Type-Options"] == "nosniff"
    politique = reponse.headers["Content-Security-Policy"]
    assert politique.startswith("sandbox;") and "default-src 'none'" in politique
    assert "text/html" not in reponse.content_type
    consultations = lignes(app, Evenement, Evenement.type == TYPE_CONSULTATION)
    assert [(e.compte_id, e.famille_id, e.detail) for e in consultations] == [
        (agent_id, foyer.famille_id, "examen d’un justificatif")]

    telecharge = agent.get(f"/mairie/justificatifs/{piece}/document?telecharger=1")
    assert telecharge.headers["Content-Disposition"].startswith("attachment;")
    # The family's « Mes données » lists the consultations.
    donnees = famille_client(app, foyer).get("/espace-famille/donnees").text
    assert "examen d’un justificatif" in donnees


def test_accepter_une_attestation(app, agent, agent_id, foyer):
    piece = deposer(app, foyer.famille_id)
    annee = date.today().year - 1
    reponse = agent.post(f"/mairie/justificatifs/{piece}/accepter", data={
        "accepter-qf": "1 258,67", "accepter-mois": "3", "accepter-annee": str(annee),
        "accepter-rfr": "99999", "accepter-valide_par_id": "1"})  # fields it has not: ignored
    assert (reponse.status_code, reponse.location) == (303, "/mairie/justificatifs")
    quotient, = lignes(app, QuotientFamilial, QuotientFamilial.famille_id == foyer.famille_id)
    assert (quotient.source, quotient.mode, quotient.fournisseur, quotient.valeur,
            quotient.justificatif_id, quotient.valide_par_id, quotient.rfr, quotient.mois,
            quotient.annee) == ("justificatif", "justificatif", "mairie", Decimal("1258.67"),
                                piece, agent_id, None, 3, annee)
    traite, = lignes(app, Justificatif, Justificatif.id == piece)
    assert (traite.statut, traite.traite_par_id) == ("accepte", agent_id)
    assert [e.type for e in lignes(app, Evenement, Evenement.famille_id == foyer.famille_id)] \
        == ["justificatif_accepte"]
    courriel, = lignes(app, Courriel, Courriel.famille_id == foyer.famille_id)
    assert courriel.nature == "justificatif_accepte" and courriel.envoye_le is not None
    assert "il est accepté" in courriel.texte and "il est accepté" in courriel.html
    # The family's page shows the QF the town hall checked.
    page = famille_client(app, foyer).get("/espace-famille/quotient").text
    assert francais.euros(Decimal("1258.67")) in page
    assert f"vérifié par un agent de la mairie d’après votre attestation de mars {annee}" in page
    assert agent.get("/mairie/justificatifs").text.count("Examiner") == 0


def test_accepter_un_avis_d_impot_calcule_le_quotient_comme_les_tarifs(app, agent, foyer):
    piece = deposer(app, foyer.famille_id, nature="avis_impot")
    page = Page(agent.get(f"/mairie/justificatifs/{piece}").text)
    assert page.par_id("accepter-rfr") and page.par_id("accepter-parts")
    annrev = date.today().year - 1
    reponse = agent.post(f"/mairie/justificatifs/{piece}/accepter", data={
        "accepter-rfr": "37 760", "accepter-parts": "2,5", "accepter-annrev": str(annrev)})
    assert reponse.status_code == 303
    quotient, = lignes(app, QuotientFamilial, QuotientFamilial.famille_id == foyer.famille_id)
    assert (quotient.rfr, quotient.parts, quotient.valeur, quotient.annrev) == (
        37760, Decimal("2.50"), Decimal("1258.67"), annrev)
    page = famille_client(app, foyer).get("/espace-famille/quotient").text
    assert f"d’après votre avis d’impôt sur les revenus {annrev}" in page


def test_refuser_avec_un_motif_que_la_famille_lit(app, agent, foyer):
    piece = deposer(app, foyer.famille_id)
    reponse = agent.post(f"/mairie/justificatifs/{piece}/refuser",
                         data={"refuser-motif": "Attestation de plus de trois mois."})
    assert reponse.status_code == 303
    traite, = lignes(app, Justificatif, Justificatif.id == piece)
    assert (traite.statut, traite.motif) == ("refuse", "Attestation de plus de trois mois.")
    assert lignes(app, QuotientFamilial) == []
    page = famille_client(app, foyer).get("/espace-famille/quotient").text
    assert "Attestation de plus de trois mois." in page
    assert "La mairie n’a pas accepté le justificatif" in page
    courriel, = lignes(app, Courriel, Courriel.famille_id == foyer.famille_id)
    assert courriel.nature == "justificatif_refuse"
    assert "Attestation de plus de trois mois." in courriel.texte
    assert "Attestation de plus de trois mois." in courriel.html


@pytest.mark.parametrize(("nature", "donnees", "champ", "message"), [
    ("attestation_caf", {}, "accepter-qf", "Saisissez le quotient familial"),
    ("attestation_caf", {"accepter-qf": "huit cents"}, "accepter-qf", "Saisissez un nombre"),
    ("attestation_caf", {"accepter-qf": "-3"}, "accepter-qf", "compris entre 0 et 99 999,99"),
    ("attestation_caf", {"accepter-qf": "1e9"}, "accepter-qf", "Saisissez un nombre"),
    ("attestation_caf", {"accepter-qf": "850,123"}, "accepter-qf", "Au plus 2 chiffres"),
    ("avis_impot", {"accepter-rfr": "37760"}, "accepter-parts", "nombre de parts"),
    ("avis_impot", {"accepter-rfr": "37760", "accepter-parts": "2,3"}, "accepter-parts",
     "par quarts"),
    ("avis_impot", {"accepter-rfr": "37760", "accepter-parts": "0"}, "accepter-parts",
     "par quarts"),
    ("avis_impot", {"accepter-rfr": "37760,5", "accepter-parts": "1"}, "accepter-rfr",
     "Au plus 0 chiffres"),
    ("avis_impot", {"accepter-rfr": "37760", "accepter-parts": "1", "accepter-annrev": "1999"},
     "accepter-annrev", "choix"),
    ("attestation_caf", {"accepter-qf": "850", "accepter-mois": "13"}, "accepter-mois",
     "choix"),
    ("attestation_caf", {"accepter-qf": "850", "accepter-annee": "deux mille"},
     "accepter-annee", "choix"),
])
def test_une_lecture_invalide_est_refusee_pres_du_champ(app, agent, foyer, nature, donnees,
                                                         champ, message):
    piece = deposer(app, foyer.famille_id, nature=nature)
    periode = {"accepter-annrev": str(date.today().year - 1), "accepter-mois": "1",
               "accepter-annee": str(date.today().year)}
    reponse = agent.post(f"/mairie/justificatifs/{piece}/accepter",
                         data={**periode, **donnees})
    assert reponse.status_code == 422
    page = Page(reponse.text)
    assert message.lower() in page.par_id(f"{champ}-erreur").texte.lower()
    assert page.par_id(champ).get("aria-invalid") == "true"
    assert lignes(app, QuotientFamilial) == []
    assert lignes(app, Justificatif, Justificatif.statut == "a_verifier")
    assert lignes(app, Courriel) == []


def test_un_refus_sans_motif_est_refuse(app, agent, foyer):
    piece = deposer(app, foyer.famille_id)
    reponse = agent.post(f"/mairie/justificatifs/{piece}/refuser", data={"refuser-motif": "  "})
    assert reponse.status_code == 422
    assert "Indiquez le motif" in Page(reponse.text).par_id("refuser-motif-erreur").texte
    assert lignes(app, Justificatif, Justificatif.statut == "a_verifier")


TEXTE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nature=st.sampled_from(["attestation_caf", "avis_impot"]),
       qf=TEXTE | st.from_regex(r"-?\d{1,12}([,.]\d{1,4})?", fullmatch=True),
       rfr=TEXTE | st.from_regex(r"\d{1,12}", fullmatch=True),
       parts=TEXTE | st.from_regex(r"\d{1,3}([,.]\d{1,3})?", fullmatch=True),
       mois=TEXTE | st.integers(0, 13).map(str),
       annee=TEXTE | st.integers(date.today().year - 3, date.today().year).map(str),
       motif=TEXTE)
def test_aucune_saisie_ne_donne_une_erreur_500(app, agent, foyer, nature, qf, rfr, parts,
                                               mois, annee, motif):
    piece = deposer(app, foyer.famille_id, nature=nature)
    avant = len(lignes(app, QuotientFamilial))
    acceptation = agent.post(f"/mairie/justificatifs/{piece}/accepter", data={
        "accepter-qf": qf, "accepter-rfr": rfr, "accepter-parts": parts, "accepter-mois": mois,
        "accepter-annee": annee, "accepter-annrev": annee})
    assert acceptation.status_code in (303, 422)
    assert len(lignes(app, QuotientFamilial)) == avant + (acceptation.status_code == 303)
    autre = deposer(app, foyer.famille_id, nature=nature)
    refus = agent.post(f"/mairie/justificatifs/{autre}/refuser", data={"refuser-motif": motif})
    assert refus.status_code in (303, 422)
    statut, = [j.statut for j in lignes(app, Justificatif, Justificatif.id == autre)]
    assert statut == ("refuse" if refus.status_code == 303 else "a_verifier")


def test_un_justificatif_deja_traite_par_un_autre_agent_repond_409(app, agent, foyer):
    piece = deposer(app, foyer.famille_id)
    autre = client_agent(app, creer_personnel(app, "agent"))
    assert autre.post(f"/mairie/justificatifs/{piece}/accepter",
                      data={"accepter-qf": "640", "accepter-mois": "1",
                            "accepter-annee": str(date.today().year)}).status_code == 303
    for action, donnees in (("accepter", {"accepter-qf": "900"}),
                            ("refuser", {"refuser-motif": "Illisible."})):
        reponse = agent.post(f"/mairie/justificatifs/{piece}/{action}", data=donnees)
        assert reponse.status_code == 409
        assert "Un autre agent a déjà traité cette demande" in reponse.text
    quotient, = lignes(app, QuotientFamilial)
    assert quotient.valeur == Decimal("640.00")
    assert len(lignes(app, Courriel)) == 1
    # The review page says it is decided, without the forms.
    page = Page(agent.get(f"/mairie/justificatifs/{piece}").text)
    assert page.tous("form", action=f"/mairie/justificatifs/{piece}/accepter") == []


def test_la_decision_est_conditionnelle_en_base(app, agent_id, foyer):
    """Two agents who loaded the document at once: the second decision finds it taken, even
    though its copy in memory still says « à vérifier »."""
    piece = deposer(app, foyer.famille_id)
    with app.test_request_context():
        copie = justificatifs.trouver(piece)
        agent = db.session.get(Compte, agent_id)
        with db.engine.begin() as connexion:  # the other agent, in another transaction
            connexion.execute(sa.update(Justificatif).where(Justificatif.id == piece)
                              .values(statut="refuse"))
        assert copie.statut == "a_verifier"
        with pytest.raises(decisions.DejaDecide):
            justificatifs.accepter(copie, agent, qf=Decimal(500))
        db.session.rollback()
    assert lignes(app, QuotientFamilial) == []


def test_un_justificatif_inconnu_repond_404(app, agent):
    assert agent.get("/mairie/justificatifs/999999").status_code == 404
    assert agent.get("/mairie/justificatifs/999999/document").status_code == 404
    assert agent.post("/mairie/justificatifs/999999/accepter").status_code == 404
    assert agent.get("/mairie/justificatifs/99999999999").status_code == 404
