"""ProConnect in Chromium (issue 10 §1): an admin creates an agent's account for its email in
/admin/comptes; the agent signs in through the sandbox ProConnect and reaches /mairie/; an agent
of another organisation is refused with the staff failure page. axe finds nothing serious (X2)."""

import pytest
from playwright.sync_api import expect

from portail_famille.bac_a_sable import fournisseur_proconnect
from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel

pytestmark = pytest.mark.navigateur

AGENTE = fournisseur_proconnect.agent("agent-commune")


def par_proconnect(page, base: str, nom_complet: str, auditeur: Auditeur) -> None:
    """The staff sign-in page's ProConnect button, then an agent of the sandbox ProConnect."""
    page.goto(f"{base}/connexion/personnel")
    auditeur.auditer()
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ProConnect simulé : choisissez un agent fictif")
    auditeur.auditer()
    page.get_by_role("button", name=f"Se connecter avec cet agent : {nom_complet}").click()


@LARGEURS
def test_un_agent_cree_par_l_admin_se_connecte_par_proconnect(serveur, navigateur):
    app = serveur(RATELIMIT_ENABLED=False)
    base = app.extensions["portail"].portail_url
    creer_personnel(app, "admin", identifiant="admin.nav")
    page = navigateur
    auditeur = Auditeur(page, "proconnect")

    connecter_personnel(page, base, "admin.nav", MOT_DE_PASSE)
    page.goto(f"{base}/admin/comptes")
    page.get_by_label("ProConnect (adresse électronique professionnelle)").check()
    page.get_by_label("Adresse électronique (ProConnect)").fill(AGENTE.email)
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("status")).to_contain_text("Il se connecte avec ProConnect")
    expect(page.get_by_text("en attente de la première connexion")).to_be_visible()
    auditeur.auditer()
    page.get_by_role("button", name="Se déconnecter").click()

    par_proconnect(page, base, f"{AGENTE.prenom} {AGENTE.nom}", auditeur)
    expect(page).to_have_url(f"{base}/mairie/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace des agents")
    auditeur.auditer()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté")).to_be_visible()

    autre = fournisseur_proconnect.agent("agent-autre-organisation")
    par_proconnect(page, base, f"{autre.prenom} {autre.nom}", auditeur)
    expect(page).to_have_url(f"{base}/connexion/echec")
    expect(page.get_by_role("alert")).to_contain_text("pour une autre organisation")
    auditeur.auditer()
    auditeur.verifier()
