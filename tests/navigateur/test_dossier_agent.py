"""The agent's back office in Chromium, keyboard only: sign in, find a family by a child's
first name typed without accents, give the reason, read the file (its invoice paid online
included), open both corrections; axe finds nothing serious (X2) and nothing scrolls sideways,
on a phone and at 1280 px."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import LignePrevue
from tests.fabriques import PaiementPrevu
from tests.fabriques import QuotientDGFiP
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer
from tests.familles.conftest import DEBUT
from tests.familles.conftest import GRILLE
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel
from tests.navigateur.test_parcours import tabuler_jusqu_a


@pytest.fixture
def portail(serveur, tmp_path):
    grille = tmp_path / "grille-agents.yaml"
    grille.write_text(GRILLE, encoding="utf-8")
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille)
    foyer = creer_foyer(
        app, prenom="Hélène", nom="LEFÈVRE",
        enfants=(EnfantPrevu("Maël", date(2016, 2, 14), nom="LEFÈVRE", inscriptions=(
            InscriptionPrevue("cantine", DEBUT, jours="lundi,jeudi", statut="validee"),)),),
        quotients=(QuotientDGFiP(37760, "2.5", "1258.67"),))
    creer_facture(app, foyer.famille_id, LignePrevue(foyer.enfants[0], enfant="LEFÈVRE Maël"),
                  destinataire="Hélène LEFÈVRE", paiement=PaiementPrevu())
    creer_personnel(app, "agent", identifiant="agent.clavier", nom_naissance="DURAND")
    return app, foyer


@LARGEURS
def test_x3_agent_au_clavier_de_la_recherche_au_dossier(portail, navigateur):
    app, foyer = portail
    page = navigateur
    base = app.extensions["portail"].portail_url
    auditeur = Auditeur(page, "agent")
    connecter_personnel(page, base, "agent.clavier", MOT_DE_PASSE)
    expect(page).to_have_url(f"{base}/mairie/")
    auditeur.auditer()

    page.get_by_label("Rechercher une famille").focus()
    page.keyboard.type("mael")
    page.keyboard.press("Enter")
    expect(page.locator("#nombre-resultats")).to_contain_text("1 famille trouvée")
    auditeur.auditer()
    tabuler_jusqu_a(page, re.compile(r"^F-\d{6}"))
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text(re.compile(r"^Dossier F-\d{6}$"))
    auditeur.auditer()
    # The first reason takes the focus; the arrow keys move within the group, and choose.
    tabuler_jusqu_a(page, re.compile("^guichet$"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Appel téléphonique de la famille")).to_be_checked()
    tabuler_jusqu_a(page, re.compile("^Ouvrir le dossier$"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile(r"Hélène LEFÈVRE$"))
    expect(page.locator("main")).to_contain_text("Motif de la consultation : Appel téléphonique")
    page.get_by_text("Pourquoi ce tarif ?").first.click()
    expect(page.get_by_role("table", name="Paiements en ligne (PayFiP)")).to_contain_text(
        "F2026-000001")
    auditeur.auditer()

    page.locator("main").focus()  # back to the top of the content, as « Aller au contenu »
    tabuler_jusqu_a(page, re.compile("^Saisir un quotient"), maximum=200)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Saisir le quotient familial")
    page.get_by_role("button", name="Enregistrer le quotient").click()  # empty: errors
    expect(page.locator("#resume-erreurs")).to_be_visible()
    auditeur.auditer()
    page.goto(f"{base}/mairie/familles/{foyer.famille_id}/tarif")
    expect(page.locator("h1")).to_have_text("Appliquer un tarif décidé hors de la grille")
    auditeur.auditer()
    auditeur.verifier()
