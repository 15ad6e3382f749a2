"""A new agent's first sign-in in Chromium: password, TOTP enrolment with the QR code and its
key, recovery codes; then a second sign-in with a code; axe finds nothing serious (X2)."""

import pyotp
import pytest
from playwright.sync_api import expect

from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel

pytestmark = pytest.mark.navigateur


@LARGEURS
def test_enrolement_puis_connexion_avec_un_code(serveur, navigateur):
    app = serveur(RATELIMIT_ENABLED=False)
    base = app.extensions["portail"].portail_url
    creer_personnel(app, "agent", identifiant="agent.nouveau", totp=None)
    page = navigateur
    auditeur = Auditeur(page, "personnel")
    page.goto(f"{base}/connexion/personnel")
    auditeur.auditer()
    page.get_by_label("Identifiant").fill("agent.nouveau")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activer la double authentification")
    expect(page.get_by_role("img", name="QR code de la double authentification")).to_be_visible()
    auditeur.auditer()
    page.get_by_label("Code à 6 chiffres affiché par l’application").fill("000000")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code ne correspond pas")
    auditeur.auditer()
    secret = page.locator("#cle-totp").inner_text().replace(" ", "")
    page.get_by_label("Code à 6 chiffres affiché par l’application").fill(
        pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.locator(".codes-de-secours code")).to_have_count(10)
    auditeur.auditer()
    page.get_by_role("link", name="J’ai noté mes codes, continuer").click()
    expect(page).to_have_url(f"{base}/mairie/")
    page.get_by_role("button", name="Se déconnecter").click()

    connecter_personnel(page, base, "agent.nouveau", MOT_DE_PASSE, secret=secret,
                        auditeur=auditeur)
    expect(page).to_have_url(f"{base}/mairie/")
    auditeur.verifier()


@LARGEURS
def test_administration_des_comptes_et_journal(serveur, navigateur):
    app = serveur(RATELIMIT_ENABLED=False)
    base = app.extensions["portail"].portail_url
    creer_personnel(app, "admin", identifiant="admin.nav")
    creer_personnel(app, "agent", identifiant="agent.existant")
    page = navigateur
    auditeur = Auditeur(page, "administration-comptes")
    connecter_personnel(page, base, "admin.nav", MOT_DE_PASSE)
    page.goto(f"{base}/admin/comptes")
    auditeur.auditer()
    page.get_by_label("Compte local (identifiant, mot de passe et double authentification)") \
        .check()
    page.get_by_label("Identifiant (compte local)").fill("agent.nouveau")
    page.get_by_label("Mot de passe initial (compte local)").fill("motdepasse123")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.locator("#mot_de_passe-erreur")).to_contain_text("trop courant")
    auditeur.auditer()
    page.get_by_label("Mot de passe initial (compte local)").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("status")).to_contain_text("Le compte « agent.nouveau » est créé")
    page.get_by_role("button", name="Désactiver agent.existant").click()
    expect(page.get_by_role("status")).to_contain_text("est désactivé")
    auditeur.auditer()
    page.goto(f"{base}/admin/journal")
    auditeur.auditer()
    page.get_by_label("Type d’événement").select_option(label="Compte du personnel désactivé")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    auditeur.auditer()
    auditeur.verifier()
