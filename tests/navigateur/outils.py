"""What every browser journey shares: Debian's Chromium (the module skips without it, except in
CI), the two widths, and the auditor that runs axe, checks the width and takes screenshots.

A journey module imports it: the import skips the module when Chromium is missing."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and os.environ.get("PORTAIL_NAVIGATEUR_OBLIGATOIRE") != "1":
    pytest.skip("Chromium de Debian absent (/usr/bin/chromium) : tests de navigateur ignorés",
                allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

from tests.aides import SECRET_TOTP  # noqa: E402
from tests.aides import code_totp  # noqa: E402

OPTIONS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
CAPTURES = Path(__file__).parent / "captures"
TELEPHONE = 390
TABLETTE = 820
BUREAU = 1280
HAUTEURS = {TELEPHONE: 844, TABLETTE: 1180, BUREAU: 800}
LARGEURS = pytest.mark.parametrize("navigateur", [TELEPHONE, BUREAU], indirect=True,
                                   ids=[f"{TELEPHONE}px", f"{BUREAU}px"])

# What sticks out of the viewport on the right, for the message when the page scrolls sideways.
DEBORDANTS = """() => {
    const largeur = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > largeur + 0.5
                     && e.getClientRects().length)
        .slice(0, 8)
        .map(e => `${e.tagName.toLowerCase()}.${e.className} → ${e.getBoundingClientRect().right}`);
}"""


class Auditeur:
    """On each page of a journey: axe, whose serious and critical violations it collects; the
    page's width (nothing may scroll sideways); a full-page screenshot under captures/, named
    after the journey so that journeys do not overwrite each other's."""

    def __init__(self, page, parcours: str):
        self.page = page
        self.parcours = parcours
        self.axe = Axe()
        self.largeur = page.viewport_size["width"]
        self.pages: list[str] = []
        self.graves: list[tuple[str, str, list]] = []
        self.debordements: list[tuple[str, int, list]] = []
        CAPTURES.mkdir(exist_ok=True)
        for ancienne in CAPTURES.glob(f"{self.prefixe}-*.png"):
            ancienne.unlink()  # a page's name may change from run to run (an id in its path)

    @property
    def prefixe(self) -> str:
        return f"{self.parcours}-{self.largeur}px"

    def auditer(self):
        self.pages.append(self.page.url)
        for violation in self.axe.run(self.page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                self.graves.append((self.page.url, violation["id"],
                                    [n["target"] for n in violation["nodes"]]))
        largeur_page = self.page.evaluate("document.documentElement.scrollWidth")
        if largeur_page > self.largeur:
            self.debordements.append((self.page.url, largeur_page,
                                      self.page.evaluate(DEBORDANTS)))
        chemin = urlsplit(self.page.url).path.strip("/").replace("/", "-") or "accueil"
        self.page.screenshot(full_page=True, path=str(
            CAPTURES / f"{self.prefixe}-{len(self.pages):02d}-{chemin}.png"))

    def verifier(self) -> None:
        """At the end of a journey: no serious violation, nothing scrolling sideways."""
        assert not self.graves, self.graves
        assert not self.debordements, self.debordements


def connecter_personnel(page, base: str, identifiant: str, mot_de_passe: str,
                        secret: str = SECRET_TOTP, auditeur: Auditeur | None = None) -> str:
    """Sign a staff member in through the staff sign-in pages, as a person would: the password,
    then the code of the authenticator app (`secret`: tests.aides.SECRET_TOTP, which
    tests.aides.creer_personnel enrols). An account not enrolled yet enrols with the key its
    page shows, and moves on past its recovery codes. The TOTP secret in use; each page is
    audited when `auditeur` is given."""
    page.goto(f"{base}/connexion/personnel")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    if auditeur:
        auditeur.auditer()
    if page.url.endswith("/connexion/personnel/enrolement"):
        secret = page.locator("#cle-totp").inner_text().replace(" ", "")
        page.get_by_label("Code à 6 chiffres affiché par l’application").fill(code_totp(secret))
        page.get_by_role("button", name="Activer").click()
        if auditeur:
            auditeur.auditer()
        page.get_by_role("link", name="J’ai noté mes codes, continuer").click()
        return secret
    # The code of this step may be spent by a sign-in of the same account a moment ago: as a
    # person would, type the next one.
    for decalage in (0, 1):
        page.get_by_label("Code de vérification").fill(code_totp(secret, decalage))
        page.get_by_role("button", name="Valider").click()
        if not page.url.endswith("/connexion/personnel/code"):
            break
    return secret
