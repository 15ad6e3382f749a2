"""The sandbox's login and error pages in Chromium: axe finds nothing serious (securite.md X2)."""

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from . import CHEMIN_FC
from . import parametres_autorisation

pytestmark = pytest.mark.navigateur

CHROMIUM = "/usr/bin/chromium"
OPTIONS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run"]


@pytest.fixture
def navigateur():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=OPTIONS)
        yield chromium.new_page()
        chromium.close()


@pytest.mark.parametrize("changements", [{}, {"state": "trop-court"}], ids=["connexion", "erreur"])
def test_x2_pages_du_fournisseur_sans_violation_grave(serveur, navigateur, changements):
    app = serveur(RATELIMIT_ENABLED=False)
    url = f"{app.extensions['portail'].portail_url}{CHEMIN_FC}/authorize?" + urlencode(
        parametres_autorisation(app, **changements))
    navigateur.goto(url)
    assert navigateur.evaluate("document.documentElement.lang") == "fr"
    assert "FranceConnect simulé" in navigateur.title()
    resultats = Axe().run(navigateur)
    graves = [v["id"] for v in resultats.response["violations"]
              if v["impact"] in ("serious", "critical")]
    assert graves == []

