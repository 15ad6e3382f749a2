"""The whole demo journey in Chromium, against the portal served over HTTP with its sandbox:
sign in through the sandbox FranceConnect, QF fetched, household and two children, enrolment,
rates and their explanation, data export; axe finds nothing serious on any page (X2), and a
keyboard alone goes from the sign-in to the rates with a visible focus (X3).
"""

import json
import os
import re
from datetime import date
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and os.environ.get("PORTAIL_NAVIGATEUR_OBLIGATOIRE") != "1":
    pytest.skip("Chromium de Debian absent (/usr/bin/chromium) : tests de navigateur ignorés",
                allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.grilles import grille  # noqa: E402
from tests.grilles import periode  # noqa: E402
from tests.grilles import service  # noqa: E402
from tests.grilles import taux_effort  # noqa: E402
from tests.grilles import tranches  # noqa: E402

pytestmark = pytest.mark.navigateur

OPTIONS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
PRIX = re.compile(r"\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€")
DATE_FRANCAISE = re.compile(r"(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|"
                            r"septembre|octobre|novembre|décembre) \d{4}")


@pytest.fixture
def navigateur():
    # CI sets PORTAIL_NAVIGATEUR_OBLIGATOIRE=1: a missing Chromium is then a failure.
    assert CHROMIUM.exists(), f"{CHROMIUM} est introuvable (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=OPTIONS)
        contexte = chromium.new_context(accept_downloads=True, locale="fr-FR")
        yield contexte.new_page()
        contexte.close()
        chromium.close()


# A grid written for the journey, whose period follows today's date (tarifs.yaml's periods run
# out). Prices for the sandbox's QF 480, computed by hand: canteen bracket 351–600, 1.65 for
# the eldest and 1.65 − 20 % = 1.32 for the second child; evening care 480 × 0.30 % = 1.44.
GRILLE = grille(
    periode("Année scolaire du parcours", date.today() - timedelta(days=60),
            date.today() + timedelta(days=200), [
                service("restauration_scolaire", "Restauration scolaire", "repas",
                        tranches(("350", "0.80"), ("600", "1.65"), ("900", "2.70"),
                                 (None, "4.10"))),
                service("accueil_soir", "Accueil du soir", "soir",
                        taux_effort("0.30", "0.50", "3.20")),
            ], deliberation="n° 2026/0042 du 29 juin 2026 (essai)",
            fratrie=(("restauration_scolaire",), {2: 20})),
    commune="Lyon", code_insee="69123", sources=("dgfip", "caf"),
)


@pytest.fixture
def portail(serveur, tmp_path):
    """The portal with its sandbox (FranceConnect and both APIs), CSRF on as in production."""
    grille = tmp_path / "grille-parcours.yaml"
    grille.write_text(GRILLE, encoding="utf-8")
    return serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille)


class Auditeur:
    """Runs axe on each page of the journey; collects serious and critical violations."""

    def __init__(self, page):
        self.page = page
        self.axe = Axe()
        self.pages: list[str] = []
        self.graves: list[tuple[str, str, list]] = []

    def auditer(self):
        self.pages.append(self.page.url)
        for violation in self.axe.run(self.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                self.graves.append((self.page.url, violation["id"],
                                    [n["target"] for n in violation["nodes"]]))


def aller(page, auditeur, libelle: str):
    """Follow a link of the family menu, then audit the page."""
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=libelle, exact=True).click()
    auditeur.auditer()


def test_parcours_de_demonstration(portail, navigateur):
    page = navigateur
    base = portail.extensions["portail"].portail_url
    auditeur = Auditeur(page)

    page.goto(f"{base}/")
    auditeur.auditer()
    page.goto(f"{base}/simulateur")
    auditeur.auditer()
    page.get_by_role("link", name="Espace famille").click()
    expect(page).to_have_url(f"{base}/connexion")
    auditeur.auditer()

    # Consent on the portal's page, then the sandbox FranceConnect. Ermengardi GODIN has no
    # tax file: the DGFiP fails, the CAF answers with her QF, her child and her address.
    expect(page.get_by_label("Récupérer automatiquement mon quotient familial")).to_be_checked()
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    expect(page).to_have_title(re.compile("FranceConnect simulé"))
    auditeur.auditer()
    page.get_by_role("button", name=re.compile("Ermengardi GODIN")).click()

    expect(page).to_have_url(f"{base}/espace-famille/")
    expect(page.locator("main")).to_contain_text("480,00\u00a0€")
    auditeur.auditer()
    aller(page, auditeur, "Mon quotient familial")
    expect(page.locator("main")).to_contain_text("transmis par la CAF via FranceConnect")

    # The household: the CAF's address prefills the form, the family saves it.
    aller(page, auditeur, "Mon foyer")
    expect(page.get_by_label("Numéro et voie")).to_have_value("31 AVENUE BERTHELOT")
    expect(page.get_by_label("Oui, nous habitons Lyon")).to_be_checked()
    page.get_by_role("button", name="Enregistrer l’adresse").click()
    expect(page.locator(".messages")).to_contain_text("Votre adresse est enregistrée.")
    auditeur.auditer()

    # Two children: the CAF's, confirmed, and one typed (after a mistake, kept as typed).
    aller(page, auditeur, "Mes enfants")
    expect(page.locator("main")).to_contain_text("Enfants connus de la CAF")
    page.get_by_role("link", name="Vérifier et ajouter Yasmine").click()
    expect(page.get_by_label("Date de naissance")).to_have_value("2018-07-07")
    page.get_by_label("Classe à la rentrée").select_option(label="CE1")
    page.get_by_label("École").fill("École Berthelot")
    auditeur.auditer()
    page.get_by_role("button", name="Ajouter l’enfant").click()
    # Kept as the CAF wrote it (« YASMINE »): the family may correct it on the form.
    expect(page.locator(".messages")).to_contain_text("YASMINE a été ajouté à votre foyer.")
    expect(page.locator("main")).not_to_contain_text("Enfants connus de la CAF")

    page.get_by_role("link", name="Ajouter un enfant").click()
    page.get_by_label("Prénom(s)").fill("Nour")
    page.get_by_label("Nom", exact=True).fill("GODIN3")
    page.get_by_label("Date de naissance").fill("2021-03-15")
    page.get_by_label("Classe à la rentrée").select_option(label="Petite section")
    page.get_by_label("École").fill("École maternelle Berthelot")
    page.get_by_role("button", name="Ajouter l’enfant").click()
    expect(page.locator("#resume-erreurs")).to_contain_text("Le formulaire contient 1 erreur")
    expect(page.get_by_label("Prénom(s)")).to_have_value("Nour")
    auditeur.auditer()
    page.get_by_label("Nom", exact=True).fill("GODIN")
    page.get_by_role("button", name="Ajouter l’enfant").click()
    expect(page.locator(".messages")).to_contain_text("Nour a été ajouté à votre foyer.")

    # Both enrolled at once in the canteen, then one at the evening care.
    aller(page, auditeur, "Inscriptions")
    page.get_by_role("link", name="Demander une inscription").click()
    page.get_by_label("YASMINE GODIN").check()
    page.get_by_label("Nour GODIN").check()
    page.get_by_label("Service").select_option(label="Restauration scolaire")
    for jour in ("Lundi", "Mardi", "Jeudi", "Vendredi"):
        page.get_by_label(jour, exact=True).check()
    auditeur.auditer()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande d’inscription est envoyée")
    auditeur.auditer()
    page.get_by_role("link", name=re.compile("Voir ou modifier l’inscription de Nour")).click()
    expect(page.locator("main")).to_contain_text("Demande d’inscription")
    auditeur.auditer()

    # Rates: French amounts and dates, and « Pourquoi ce tarif ? » opened.
    aller(page, auditeur, "Mes tarifs")
    principal = page.locator("main")
    expect(principal).to_contain_text("YASMINE GODIN")
    texte = principal.inner_text()
    assert PRIX.search(texte), texte
    # QF 480 on the journey's grid: YASMINE first, Nour second (−20 %), four days a week.
    for prix in ("1,65\u00a0€", "1,32\u00a0€", "1,44\u00a0€", "26,40\u00a0€", "21,12\u00a0€"):
        assert prix in texte, prix
    assert DATE_FRANCAISE.search(texte), texte
    assert "Estimation pour un mois type" in texte
    carte = page.locator('li.tarif[data-service="restauration_scolaire"]').first
    explication = carte.locator("details")
    explication.locator("summary").click()
    expect(explication.locator("ol")).to_be_visible()
    expect(explication).to_contain_text("transmis par la CAF via FranceConnect")
    expect(explication).to_contain_text("Délibération")
    auditeur.auditer()

    # Personal data: the page, then the JSON download.
    aller(page, auditeur, "Mes données")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger toutes mes données").click()
    export = json.loads(Path(telechargement.value.path()).read_text(encoding="utf-8"))
    tables = export["tables"]
    assert sorted(e["prenoms"] for e in tables["enfant"]["lignes"]) == ["Nour", "YASMINE"]
    assert [q["valeur"] for q in tables["quotient_familial"]["lignes"]] == ["480.00"]
    assert len(tables["inscription"]["lignes"]) == 2

    # An error page of the family area.
    page.goto(f"{base}/espace-famille/enfants/999999")
    expect(page.locator("h1")).to_have_text("Page introuvable")
    auditeur.auditer()

    chemins = {urlsplit(url).path for url in auditeur.pages}
    assert chemins >= {"/", "/connexion", "/simulateur",
                       "/bac-a-sable/franceconnect/api/v2/authorize", "/espace-famille/",
                       "/espace-famille/quotient", "/espace-famille/foyer",
                       "/espace-famille/enfants", "/espace-famille/enfants/ajouter",
                       "/espace-famille/inscriptions", "/espace-famille/inscriptions/nouvelle",
                       "/espace-famille/tarifs", "/espace-famille/donnees",
                       "/espace-famille/enfants/999999"}, chemins
    assert auditeur.graves == []


def focalise(page) -> dict:
    """The focused element, its accessible text and whether its focus ring is drawn."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        return {texte: (e.innerText || e.value || '').trim(), balise: e.tagName,
                visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
    }""")


def tabuler_jusqu_a(page, cible: re.Pattern, maximum: int = 80) -> None:
    """Press Tab until the focus is on `cible`, checking every stop shows its focus (X3)."""
    for _ in range(maximum):
        page.keyboard.press("Tab")
        element = focalise(page)
        assert element["visible"], f"focus invisible sur {element}"
        if cible.search(element["texte"]):
            return
    raise AssertionError(f"« {cible.pattern} » jamais atteint au clavier")


def test_x3_au_clavier_de_la_connexion_aux_tarifs(portail, navigateur):
    page = navigateur
    base = portail.extensions["portail"].portail_url
    page.goto(f"{base}/connexion")
    tabuler_jusqu_a(page, re.compile("S’identifier avec"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("FranceConnect simulé"))
    tabuler_jusqu_a(page, re.compile("Se connecter avec cette identité"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/espace-famille/")
    tabuler_jusqu_a(page, re.compile("^Mes tarifs$"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/espace-famille/tarifs")
    expect(page.locator("h1")).to_have_text("Mes tarifs")
    expect(page.locator("main")).to_contain_text("Ce qui fixe vos tarifs")
