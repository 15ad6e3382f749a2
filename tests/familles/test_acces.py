"""A family never reaches another household's data (A2): every family route is walked with a
second household's identifiers and answers 403 or 404, never 200; none of the second
household's rows, in any table linked to a household, changes, and none of its values shows
on the first one's pages or in its data export."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import assume
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
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import Renouvellement
from portail_famille.models import Reservation
from portail_famille.models import Tache
from portail_famille.models import TarifDecide
from portail_famille.services import donnees
from portail_famille.services import foyers
from tests.aides import texte_de
from tests.fabriques import AvoirPrevu
from tests.fabriques import EncaissementPrevu
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import LignePrevue
from tests.fabriques import PaiementPrevu
from tests.fabriques import QuotientDGFiP
from tests.fabriques import ajouter_enfant
from tests.fabriques import consigner_consultation
from tests.fabriques import creer_facture
from tests.fabriques import creer_famille
from tests.fabriques import creer_foyer
from tests.fabriques import famille_de
from tests.familles.conftest import JOUR_DE_CLASSE

from .conftest import DEBUT
from .conftest import connecter

PROPOSITION_DE_B = {"nom_naissance": "AUTRE", "prenoms": "Zéphyrin",
                    "date_naissance": "2017-02-02", "sexe": "M"}
# Family routes without an identifier in their URL: they only ever show the signed-in
# household's data. A new route must be classified here or get an identifier below.
SANS_IDENTIFIANT = {
    "familles.accueil", "familles.quotient", "familles.quotient_identite",
    "familles.quotient_numero_fiscal", "familles.quotient_justificatif", "familles.quotient_refus",
    "familles.quotient_recuperation", "familles.quotient_renouvellement",
    "familles.reservations", "familles.reservation_changer",
    "familles.foyer", "familles.adresse_caf_ignorer", "familles.residence_verification",
    "familles.second_adulte",
    "familles.second_adulte_retirer", "familles.enfants", "familles.enfant_ajouter",
    "familles.inscriptions", "familles.inscription_nouvelle", "familles.tarifs",
    "familles.factures", "familles.attestation_frais_de_garde",
    "familles.donnees", "familles.donnees_json", "familles.donnees_suppression",
}


# Household B's values, chosen so that nothing else on A's pages can contain them.
QF_DE_B, RFR_DE_B = "7319.46", 98765
TRACES_DE_B = ("Zébulon", "Béatrice", "Bernard", QF_DE_B, "7\u202f319,46", "98765",
               "98\u202f765", "Nous partons à Brest", "motif-consultation-beta",
               "justificatif-de-beatrice", "agent.beta", "F2026-000099", "ligne-de-beta",
               "avoir-de-beta")


@pytest.fixture
def deux_familles(app, client):
    """Family A signed in on `client`; family B with a row in every table linked to a
    household: a child, an enrolment and its history, a second adult, a QF record, a document,
    a deletion request, a booking, an attendance mark, an agent's consultation, an issued
    invoice with its line, a credit note and an online payment."""
    compte_a = creer_famille(app, prenom="Alice", nom="ALPHA")
    famille_a = famille_de(app, compte_a)
    ajouter_enfant(app, famille_a, "Arthur", date(2016, 1, 1), nom="ALPHA")
    beta = creer_foyer(
        app, prenom="Béatrice", nom="BETA",
        enfants=(EnfantPrevu("Zébulon", date(2018, 1, 1), nom="BETA", inscriptions=(
            InscriptionPrevue("cantine", DEBUT),)),),
        quotients=(QuotientDGFiP(RFR_DE_B, "1.12", QF_DE_B),),
        second_adulte={"nom": "BETA", "prenoms": "Bernard"})
    compte_b, famille_b = beta.compte_id, beta.famille_id
    (enfant_b,), (inscription_b,) = beta.enfants, beta.inscriptions
    with app.app_context():
        agent = Compte(role="agent", identifiant="agent.beta")
        contenu = b"%PDF-1.7 justificatif-de-beatrice"
        db.session.add_all([
            Justificatif(famille_id=famille_b, nature="avis_impot", type_mime="application/pdf",
                         taille=len(contenu), contenu=contenu),
            DemandeSuppression(famille_id=famille_b, compte_id=compte_b,
                               precisions="Nous partons à Brest."),
            ContestationResidence(famille_id=famille_b, compte_id=compte_b,
                                  message="Nous habitons bien la commune."), agent,
            Courriel(famille_id=famille_b, nature="qf_expire", cle="courriel-beta",
                     destinataire="beta@example.org", sujet="Sujet beta", texte="courriel-beta",
                     html="<p>courriel-beta</p>")])
        campagne = Tache(nature="renouvellement")
        db.session.add(campagne)
        db.session.flush()
        db.session.add(Renouvellement(tache_id=campagne.id, famille_id=famille_b,
                                      etat="introuvable", raison="introuvable"))
        db.session.add(TarifDecide(enfant_id=enfant_b, service="cantine", prix=Decimal("1.00"),
                                   motif="motif-consultation-beta", debut=DEBUT,
                                   fin=DEBUT + timedelta(days=30), agent_id=agent.id))
        db.session.add(Reservation(inscription_id=inscription_b, jour=DEBUT, origine="famille",
                                   modifie_par_id=compte_b))
        liste = ListePointage(ecole="École Jean-Macé", service="cantine", jour=DEBUT)
        db.session.add(liste)
        db.session.flush()
        db.session.add(Pointage(liste_id=liste.id, enfant_id=enfant_b, etat="present",
                                saisi_par_id=agent.id))
        db.session.commit()
        agent_id = agent.id
    facture_id = creer_facture(
        app, famille_b, LignePrevue(enfant_id=enfant_b, montant="7.32", enfant="BERNARD Zébulon",
                                    jour=DEBUT, explication="ligne-de-beta"),
        numero="F2026-000099", destinataire="Béatrice BERNARD",
        avoir=AvoirPrevu(motif="avoir-de-beta", emis_par_id=agent_id),
        paiement=PaiementPrevu(etat="en_attente", reference="b" * 32),
        encaissement=EncaissementPrevu(reference="cheque-de-beta", saisi_par_id=agent_id))
    consigner_consultation(app, famille_b, agent_id, "motif-consultation-beta")
    connecter(client, compte_a)
    with app.app_context():
        avoir_id = db.session.scalar(sa.select(Avoir.id).where(Avoir.facture_id == facture_id))
    return {"enfant_id": enfant_b, "inscription_id": inscription_b, "facture_id": facture_id,
            "avoir_id": avoir_id, "cle": foyers.cle_de_proposition(PROPOSITION_DE_B),
            "reference": "b" * 32}, famille_b


def etat_de_b(app, famille_b: int):
    """Every row of household B in every table linked to a household, found from the schema
    as the data export finds them (G2), and the documents' bytes the export leaves out."""
    with app.app_context():
        tables = donnees.exporter(famille_b, datetime(2000, 1, 1, tzinfo=UTC))["tables"]
        contenus = list(db.session.scalars(sa.select(Justificatif.contenu).where(
            Justificatif.famille_id == famille_b)))
    assert set(tables) == set(donnees.tables_liees(db.metadata)) - donnees.EXCLUES.keys()
    vides = [nom for nom, table in tables.items() if not table["lignes"]]
    assert not vides, f"B n'a aucune ligne dans {vides}"
    return tables, contenus


def sans_trace_de_b(texte: str, ou: str) -> None:
    for trace in TRACES_DE_B:
        assert trace not in texte, (ou, trace)


def regles_famille(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("familles.")]


def test_a2_chaque_route_avec_les_identifiants_d_une_autre_famille(app, client, deux_familles):
    identifiants_b, famille_b = deux_familles
    avant = etat_de_b(app, famille_b)
    adaptateur = app.url_map.bind("localhost")
    sans_identifiant = set()
    for regle in regles_famille(app):
        if not regle.arguments:
            sans_identifiant.add(regle.endpoint)
            continue
        inconnus = regle.arguments - identifiants_b.keys()
        assert not inconnus, f"{regle.rule} : identifiant non couvert {inconnus}"
        url = adaptateur.build(regle.endpoint, {a: identifiants_b[a] for a in regle.arguments})
        for methode in {"GET", "POST"} & regle.methods:
            reponse = client.open(url, method=methode, data={"version": "1", "jours": ["lundi"],
                                                             "date_debut": DEBUT.isoformat(),
                                                             "annulation-version": "1"})
            assert reponse.status_code in (403, 404), (methode, url, reponse.status_code)
    assert sans_identifiant == SANS_IDENTIFIANT

    # Routes without an id in their URL: B's ids in every field change nothing of B's, and
    # none of B's data shows.
    champs_de_b = {"enfants": [identifiants_b["enfant_id"]],
                   "enfant_id": identifiants_b["enfant_id"],
                   "inscription_id": identifiants_b["inscription_id"], "famille_id": famille_b,
                   "service": f"{DEBUT.isoformat()}:cantine", "jours": ["lundi"],
                   "date_debut": JOUR_DE_CLASSE.isoformat(),
                   "inscription": identifiants_b["inscription_id"], "jour": DEBUT.isoformat(),
                   "action": "annuler"}
    for regle in regles_famille(app):
        if regle.arguments:
            continue
        url = adaptateur.build(regle.endpoint)
        if "GET" in regle.methods:
            page = client.get(url)
            assert page.status_code == 200, url
            sans_trace_de_b(texte_de(page), url)
        if "POST" in regle.methods:
            assert client.post(url, data=champs_de_b).status_code != 500, url
    assert etat_de_b(app, famille_b) == avant
    export = client.get("/espace-famille/donnees.json")
    assert export.status_code == 200
    sans_trace_de_b(export.text, "donnees.json")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(identifiant=st.integers(min_value=-2**64, max_value=2**64))
def test_a2_identifiants_au_hasard(app, client, deux_familles, identifiant):
    with app.app_context():
        propres = {*db.session.scalars(sa.select(Enfant.id).join(Famille).join(Compte).where(
            Compte.prenoms == "Alice")), *db.session.scalars(sa.select(Inscription.id).join(
                Enfant).join(Famille).join(Compte).where(Compte.prenoms == "Alice"))}
    assume(identifiant not in propres)
    for url in (f"/espace-famille/enfants/{identifiant}",
                f"/espace-famille/enfants/{identifiant}/retirer",
                f"/espace-famille/inscriptions/{identifiant}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/espace-famille/inscriptions/{identifiant}/annuler").status_code == 404


def test_anonyme_renvoye_a_la_connexion_et_personnel_refuse(app, client):
    adaptateur = app.url_map.bind("localhost")
    urls = [(adaptateur.build(r.endpoint, dict.fromkeys(r.arguments, 1)
                              if "cle" not in r.arguments else {"cle": "abc"}), r.methods)
            for r in regles_famille(app)]
    for url, methodes in urls:
        for methode in {"GET", "POST"} & methodes:
            reponse = client.open(url, method=methode)
            assert reponse.status_code == 302, url
            assert reponse.headers["Location"].startswith("/connexion"), url
    with app.app_context():
        agent = Compte(role="agent", identifiant="agent.test")
        db.session.add(agent)
        db.session.commit()
        agent_id = agent.id
    with client.session_transaction() as session:
        session["_user_id"] = str(agent_id)
        session["role"] = "agent"
    for url, methodes in urls:
        for methode in {"GET", "POST"} & methodes:
            assert client.open(url, method=methode).status_code == 403, url
