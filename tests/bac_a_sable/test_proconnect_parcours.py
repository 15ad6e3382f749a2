"""The portal's real ProConnect relying party against the sandbox ProConnect, over HTTP
(proconnect.md "Sandbox"): the commune's agents reach their space, the others are refused."""

import pytest
import requests
import sqlalchemy as sa

from portail_famille.auth.proconnect import REFUS
from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.bac_a_sable import fournisseur_proconnect
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.services import comptes

from .test_franceconnect_parcours import choisir
from .test_franceconnect_parcours import jeton_csrf
from .test_franceconnect_parcours import page_de_connexion
from .test_franceconnect_parcours import requete
from .test_franceconnect_parcours import url_de

CHEMIN_PC = "/bac-a-sable/proconnect/api/v2"


@pytest.fixture
def portail(serveur):
    """The portal on a loopback port, CSRF on, with the accounts `flask demo` creates."""
    app = serveur(RATELIMIT_ENABLED=False)
    with app.app_context():
        comptes.preparer_personnel_proconnect_de_demo(
            [(a.email, a.role) for a in fournisseur_proconnect.AGENTS if a.role])
        db.session.commit()
    return app


def se_connecter(navigateur, app, agent: str) -> requests.Response:
    """Staff sign-in page → its ProConnect button → sandbox ProConnect → callback."""
    page = navigateur.get(f"{url_de(app)}/connexion/personnel")
    assert "S’identifier avec" in page.text and "/connexion/proconnect" in page.text
    depart = navigateur.get(f"{url_de(app)}/connexion/proconnect", allow_redirects=False)
    assert depart.status_code == 302
    autorisation = depart.headers["Location"]
    assert autorisation.startswith(f"{url_de(app)}{CHEMIN_PC}/authorize?")
    assert requete(autorisation)["scope"] == "openid email given_name usual_name uid siret"
    connexion = page_de_connexion(navigateur, autorisation)
    assert "ProConnect simulé" in connexion.text
    return choisir(navigateur, connexion, agent)


def test_l_agent_de_la_commune_arrive_a_la_mairie_puis_se_deconnecte(portail):
    navigateur = requests.Session()
    arrivee = se_connecter(navigateur, portail, "agent-commune")
    assert arrivee.status_code == 200
    assert arrivee.url == f"{url_de(portail)}/mairie/"
    assert "Espace des agents" in arrivee.text
    with portail.app_context():
        compte = db.session.scalars(sa.select(Compte).where(
            Compte.email == "camille.martin@mairie-demo.test")).one()
        assert compte.pc_issuer == f"{url_de(portail)}{CHEMIN_PC}"
        assert compte.pc_sub and compte.totp_secret is None
    sortie = navigateur.post(f"{url_de(portail)}/deconnexion",
                             data={"csrf_token": jeton_csrf(arrivee)}, allow_redirects=False)
    assert sortie.headers["Location"].startswith(f"{url_de(portail)}{CHEMIN_PC}/session/end?")
    fin = navigateur.get(sortie.headers["Location"], allow_redirects=False)
    assert fin.status_code == 303
    assert "Vous êtes déconnecté" in navigateur.get(fin.headers["Location"]).text
    apres = navigateur.get(f"{url_de(portail)}/mairie/", allow_redirects=False)
    assert apres.status_code == 302


def test_l_admin_de_la_commune_arrive_a_l_administration(portail):
    arrivee = se_connecter(requests.Session(), portail, "admin-commune")
    assert arrivee.url == f"{url_de(portail)}/admin/"


@pytest.mark.parametrize(("agent", "code"), [
    ("agent-autre-organisation", "proconnect_siret_autre"),
    ("agent-inconnu", "proconnect_compte_inconnu"),
])
def test_les_autres_agents_sont_refuses(portail, agent, code):
    navigateur = requests.Session()
    echec = se_connecter(navigateur, portail, agent)
    assert echec.url == f"{url_de(portail)}/connexion/echec"
    assert REFUS[code] in echec.text
    assert navigateur.get(f"{url_de(portail)}/mairie/", allow_redirects=False).status_code == 302
    with portail.app_context():
        assert db.session.scalars(sa.select(Evenement.detail).where(
            Evenement.type == "refus_proconnect")).all() == [code]


def test_annuler_revient_sur_la_page_d_echec_du_personnel(portail):
    navigateur = requests.Session()
    depart = navigateur.get(f"{url_de(portail)}/connexion/proconnect", allow_redirects=False)
    echec = choisir(navigateur, page_de_connexion(navigateur, depart.headers["Location"]), None)
    assert echec.url == f"{url_de(portail)}/connexion/echec"
    assert "annulée" in echec.text and "/connexion/personnel" in echec.text


def test_un_jeton_du_franceconnect_simule_n_ouvre_rien_chez_le_proconnect_simule(portail):
    with portail.app_context():
        jeton = fournisseur_franceconnect.emettre_jeton_acces("angela", "openid email")
    reponse = requests.get(f"{url_de(portail)}{CHEMIN_PC}/userinfo", timeout=10,
                           headers={"Authorization": f"Bearer {jeton}"})
    assert reponse.status_code == 401


def test_decouverte_du_proconnect_simule(portail):
    decouverte = requests.get(
        f"{url_de(portail)}{CHEMIN_PC}/.well-known/openid-configuration", timeout=10).json()
    assert decouverte["issuer"] == f"{url_de(portail)}{CHEMIN_PC}"
    assert "siret" in decouverte["scopes_supported"]
    assert "usual_name" in decouverte["claims_supported"]
    # As FranceConnect lists them: the portal pins its own list.
    assert "HS256" in decouverte["id_token_signing_alg_values_supported"]
