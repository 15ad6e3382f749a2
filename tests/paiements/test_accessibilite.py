"""The simulator's payment page (with and without its error) and the household's payment page
in Chromium: axe finds nothing serious (securite.md X2)."""

import pytest

from tests.aides import planter_session
from tests.fabriques import creer_facture
from tests.fabriques import creer_foyer
from tests.navigateur.outils import Auditeur
from tests.paiements.conftest import PAGE
from tests.paiements.conftest import choisir
from tests.paiements.conftest import id_op_de
from tests.paiements.test_paiements import demarrer
from tests.paiements.test_paiements import operation

pytestmark = pytest.mark.navigateur


def auditer(auditeur: Auditeur) -> None:
    assert auditeur.page.evaluate("document.documentElement.lang") == "fr"
    auditeur.auditer()


def test_x2_page_du_simulateur_et_page_du_paiement(portail, navigateur):
    foyer = creer_foyer(portail)
    url = demarrer(portail, foyer.famille_id, creer_facture(portail, foyer.famille_id))
    base = portail.extensions["portail"].portail_url
    auditeur = Auditeur(navigateur, "payfip")

    navigateur.goto(url)
    assert "PayFiP simulé" in navigateur.title()
    auditer(auditeur)
    # Validated without a choice: the error is tied to the group.
    navigateur.click("button[type=submit]")
    assert navigateur.locator("#choix-erreur").is_visible()
    auditer(auditeur)

    choisir(portail, id_op_de(url), "retard")
    client = portail.test_client()
    planter_session(client, foyer.compte_id, "famille")
    html = client.get(f"/espace-famille/paiements/{operation(portail, id_op_de(url)).reference}")
    # The household's page, rendered by the portal, read with its stylesheet.
    navigateur.goto(base + PAGE + "?idop=" + id_op_de(url))
    auditer(auditeur)
    navigateur.goto(base + "/")
    navigateur.set_content(html.text)
    assert "Paiement en cours de confirmation" in navigateur.title()
    auditer(auditeur)
    auditeur.verifier()
