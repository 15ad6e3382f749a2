"""The simulator's payment page (with and without its error) and the household's payment page
in Chromium: axe finds nothing serious (securite.md X2)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.aides import planter_session
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer
from tests.paiements.conftest import PAGE
from tests.paiements.conftest import choisir
from tests.paiements.conftest import id_op_de
from tests.paiements.test_paiements import demarrer
from tests.paiements.test_paiements import operation

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


def graves(navigateur) -> list[str]:
    assert navigateur.evaluate("document.documentElement.lang") == "fr"
    return [v["id"] for v in Axe().run(navigateur).response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_x2_page_du_simulateur_et_page_du_paiement(portail, navigateur):
    foyer = creer_foyer(portail)
    url = demarrer(portail, foyer.famille_id, creer_facture(portail, foyer.famille_id))
    base = portail.extensions["portail"].portail_url

    navigateur.goto(url)
    assert "PayFiP simulé" in navigateur.title()
    assert graves(navigateur) == []
    # Validated without a choice: the error is tied to the group.
    navigateur.click("button[type=submit]")
    assert navigateur.locator("#choix-erreur").is_visible()
    assert graves(navigateur) == []

    choisir(portail, id_op_de(url), "retard")
    client = portail.test_client()
    planter_session(client, foyer.compte_id, "famille")
    html = client.get(f"/espace-famille/paiements/{operation(portail, id_op_de(url)).reference}")
    # The household's page, rendered by the portal, read with its stylesheet.
    navigateur.goto(base + PAGE + "?idop=" + id_op_de(url))
    assert graves(navigateur) == []
    navigateur.goto(base + "/")
    navigateur.set_content(html.text)
    assert "Paiement en cours de confirmation" in navigateur.title()
    assert graves(navigateur) == []
