"""A family never reaches another household's data (A2): every family route is walked with a
second household's identifiers and answers 403 or 404, never 200."""

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import SecondAdulte
from portail_famille.services import foyers

from .conftest import DEBUT
from .conftest import ajouter_enfant
from .conftest import connecter
from .conftest import creer_famille
from .conftest import famille_de

PROPOSITION_DE_B = {"nom_naissance": "AUTRE", "prenoms": "Zéphyrin",
                    "date_naissance": "2017-02-02", "sexe": "M"}
# Family routes without an identifier in their URL: they only ever show the signed-in
# household's data. A new route must be classified here or get an identifier below.
SANS_IDENTIFIANT = {
    "familles.accueil", "familles.quotient", "familles.quotient_identite",
    "familles.quotient_numero_fiscal", "familles.quotient_justificatif", "familles.quotient_refus",
    "familles.foyer", "familles.adresse_caf_ignorer", "familles.second_adulte",
    "familles.second_adulte_retirer", "familles.enfants", "familles.enfant_ajouter",
    "familles.inscriptions", "familles.inscription_nouvelle", "familles.tarifs",
    "familles.donnees", "familles.donnees_json", "familles.donnees_suppression",
}


@pytest.fixture
def deux_familles(app, client):
    """Family A signed in on `client`; family B with a child, an enrolment, a second adult."""
    compte_a = creer_famille(app, prenom="Alice", nom="ALPHA")
    famille_a = famille_de(app, compte_a)
    ajouter_enfant(app, famille_a, "Arthur", date(2016, 1, 1), nom="ALPHA")
    famille_b = famille_de(app, creer_famille(app, prenom="Béatrice", nom="BETA"))
    enfant_b = ajouter_enfant(app, famille_b, "Zébulon", date(2018, 1, 1), nom="BETA")
    with app.app_context():
        inscription = Inscription(enfant_id=enfant_b, service="cantine", periode_debut=DEBUT,
                                  periode_libelle="Année en cours", jours="lundi",
                                  date_debut=DEBUT)
        inscription.historique.append(HistoriqueInscription(
            role="famille", action="demande", statut="demandee", jours="lundi",
            date_debut=DEBUT))
        db.session.add_all([inscription, SecondAdulte(famille_id=famille_b, nom="BETA",
                                                      prenoms="Bernard")])
        db.session.commit()
        inscription_b = inscription.id
    connecter(client, compte_a)
    return {"enfant_id": enfant_b, "inscription_id": inscription_b,
            "cle": foyers.cle_de_proposition(PROPOSITION_DE_B)}, famille_b


def etat_de_b(app, famille_b: int):
    """Every row of household B (A's own rows may change along the walk)."""
    with app.app_context():
        enfants = sa.select(Enfant.id).where(Enfant.famille_id == famille_b)
        inscriptions = sa.select(Inscription.id).where(Inscription.enfant_id.in_(enfants))
        requetes = [
            sa.select(Famille.__table__).where(Famille.id == famille_b),
            sa.select(Enfant.__table__).where(Enfant.famille_id == famille_b),
            sa.select(Inscription.__table__).where(Inscription.id.in_(inscriptions)),
            sa.select(HistoriqueInscription.__table__).where(
                HistoriqueInscription.inscription_id.in_(inscriptions)),
            sa.select(SecondAdulte.__table__).where(SecondAdulte.famille_id == famille_b),
        ]
        return [[tuple(r) for r in db.session.execute(requete)] for requete in requetes]


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
                   "date_debut": date.today().isoformat()}
    for regle in regles_famille(app):
        if regle.arguments:
            continue
        url = adaptateur.build(regle.endpoint)
        if "GET" in regle.methods:
            page = client.get(url)
            assert page.status_code == 200, url
            assert "Zébulon" not in page.text and "Béatrice" not in page.text, url
            assert "Bernard" not in page.text, url
        if "POST" in regle.methods:
            assert client.post(url, data=champs_de_b).status_code != 500, url
    assert etat_de_b(app, famille_b) == avant


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
