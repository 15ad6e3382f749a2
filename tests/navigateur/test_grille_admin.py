"""An admin edits the grid in Chromium, without JavaScript and without YAML: a bracket added to
the canteen in the form view, the error when its bound does not increase, fixed, the chart,
its impact on the families, the save with its comment; a second admin who loaded the old
version gets the 409 with their text kept; the history shows both versions and their diff; a
restore works, its impact shown first. axe finds nothing serious on any page (X2), at a
phone's width and a desktop's.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.aides import MOT_DE_PASSE
from tests.aides import creer_personnel
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import creer_foyer
from tests.grilles_essai import PERIODE_A
from tests.grilles_essai import RENTREE
from tests.grilles_essai import ecrire
from tests.navigateur.outils import LARGEURS
from tests.navigateur.outils import Auditeur
from tests.navigateur.outils import connecter_personnel

pytestmark = pytest.mark.navigateur


@pytest.fixture
def portail(serveur, tmp_path):
    """The portal on the test grid, CSRF on as in production, with two admins and a household
    enrolled at the canteen (without a QF: the new bracket leaves its price as it is)."""
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=ecrire(tmp_path))
    creer_foyer(app, enfants=(EnfantPrevu("Léa", date(2022, 3, 1), inscriptions=(
        InscriptionPrevue("cantine", date.fromisoformat(RENTREE), PERIODE_A, jours="lundi,mardi",
                          statut="validee"),)),))
    creer_personnel(app, "admin", identifiant="admin.durand")
    creer_personnel(app, "admin", identifiant="admin.martin")
    return app


def cantine(page):
    """The canteen's part of the first period in the form view."""
    return page.get_by_role("region", name=PERIODE_A).get_by_role(
        "region", name="Restauration scolaire (cantine)")


@LARGEURS
def test_modifier_enregistrer_conflit_historique_restauration(portail, navigateur):
    page = navigateur
    base = portail.extensions["portail"].portail_url
    auditeur = Auditeur(page, "grille")

    # A second admin opens the editor now: their page holds the version in force.
    autre_contexte = page.context.browser.new_context(
        locale="fr-FR", viewport=page.viewport_size)
    autre = autre_contexte.new_page()
    auditeur_autre = Auditeur(autre, "grille-conflit")
    connecter_personnel(autre, base, "admin.martin", MOT_DE_PASSE)
    autre.goto(f"{base}/admin/grille/modifier")

    connecter_personnel(page, base, "admin.durand", MOT_DE_PASSE)
    expect(page).to_have_url(f"{base}/admin/")
    page.get_by_role("link", name="Grille tarifaire en vigueur").click()
    expect(page.locator("main")).to_contain_text("n° 2030/1 du 30 juin 2030")
    auditeur.auditer()
    page.get_by_role("link", name="Modifier la grille").click()
    auditeur.auditer()

    # A bracket added before the open-ended one, with a bound below the previous one.
    cantine(page).get_by_role("button", name="Ajouter une tranche").click()
    # The answer opens on the canteen, where the admin was working.
    expect(page).to_have_url(re.compile(r"/admin/grille/modifier#titre-periodes-0-services-"
                                        r"cantine$"))
    tranche = cantine(page).get_by_role("group", name="Tranche 3", exact=True)
    tranche.get_by_label("Jusqu’à un QF de (inclus)").fill("300")
    tranche.get_by_label("Prix (€)").fill("3,00")
    page.get_by_role("button", name="Vérifier").first.click()
    message = "cantine : la borne 300 doit être supérieure à la précédente (800)"
    expect(page.get_by_role("alert")).to_contain_text(message)
    borne = cantine(page).get_by_role("group", name="Tranche 3", exact=True).get_by_label(
        "Jusqu’à un QF de (inclus)")
    expect(borne).to_have_attribute("aria-invalid", "true")
    expect(borne).to_have_accessible_description(re.compile(re.escape(message)))
    auditeur.auditer()

    borne.fill("900")
    page.get_by_role("button", name="Vérifier").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de la nouvelle grille")
    graphique = page.get_by_role("img", name=re.compile("Restauration scolaire, " + PERIODE_A))
    expect(graphique).to_be_visible()
    expect(page.locator("figure table").first).to_contain_text("3,00")
    # The impact on the families enrolled, before saving (issue 11.4).
    impact = page.get_by_role("region", name="Impact sur les familles inscrites")
    expect(impact).to_be_visible()
    expect(impact.get_by_role("table", name=re.compile("Qui paie plus")).get_by_role(
        "row", name=re.compile("Familles"))).to_have_text(re.compile(r"Familles\s*1\s*0\s*0\s*1"))
    # Without a QF, 4,50 € a meal, two days a week: 36,00 € a month under both grids.
    expect(impact.get_by_role("table", name="Recettes mensuelles estimées, par service et au "
                                            "total")).to_contain_text("36,00")
    expect(impact.get_by_role("img", name=re.compile("nombre de familles selon la variation"))
           ).to_be_visible()
    expect(impact.get_by_label("Seuil de variation mensuelle (€)")).to_have_value("10")
    # Another threshold: the same preview computed again, without JavaScript.
    impact.get_by_label("Seuil de variation mensuelle (€)").fill("0,50")
    impact.get_by_role("button", name="Recalculer l’impact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de la nouvelle grille")
    expect(impact).to_contain_text("change de plus de 0,50")
    expect(page.locator("figure table").first).to_contain_text("3,00")
    auditeur.auditer()
    page.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text(
        "Indiquez le numéro de la délibération.")
    page.get_by_label("Commentaire : numéro de la délibération").fill("Délibération n° 2030/7")
    page.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(page).to_have_url(f"{base}/admin/grille")
    expect(page.locator("main")).to_contain_text("est enregistrée : elle est en vigueur")
    expect(page.locator("main")).to_contain_text("au-delà de 900,00")
    auditeur.auditer()

    # The second admin saves a change made on the old version: 409, their text kept.
    cantine(autre).get_by_role("group", name="Tranche 1", exact=True).get_by_label(
        "Prix (€)").fill("0,90")
    autre.get_by_role("button", name="Vérifier").first.click()
    autre.get_by_label("Commentaire : numéro de la délibération").fill("Délibération n° 2030/8")
    autre.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(autre.get_by_role("alert").first).to_contain_text("Rien n’a été enregistré")
    expect(autre.get_by_label("Texte YAML de la grille")).to_have_value(
        re.compile(r"- jusqu_a: 400\n\s+prix: 0\.90\n"))
    expect(autre.locator("ins").first).to_contain_text("jusqu_a: 900")
    auditeur_autre.auditer()
    autre_contexte.close()

    # The history: both versions, their diff, then a restore of the file's version.
    page.goto(f"{base}/admin/grille/versions")
    lignes = page.locator("tbody tr")
    expect(lignes).to_have_count(2)
    expect(lignes.first).to_contain_text("Délibération n° 2030/7")
    expect(lignes.nth(1)).to_contain_text("fichier")
    auditeur.auditer()
    page.get_by_role("button", name="Comparer").click()
    expect(page.locator("ins").first).to_contain_text("jusqu_a: 900")
    auditeur.auditer()
    page.get_by_role("link", name="Revenir à l’historique").click()
    page.get_by_role("link", name=re.compile("Restaurer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Restaurer la version"))
    expect(page.get_by_role("region", name="Impact sur les familles inscrites")).to_be_visible()
    auditeur.auditer()
    page.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(page).to_have_url(f"{base}/admin/grille")
    expect(page.locator("main")).not_to_contain_text("au-delà de 900,00")
    expect(page.locator("main")).to_contain_text("Restauration de la version")
    page.goto(f"{base}/admin/grille/versions")
    expect(page.locator("tbody tr")).to_have_count(3)
    auditeur.auditer()

    auditeur.verifier()
    auditeur_autre.verifier()
