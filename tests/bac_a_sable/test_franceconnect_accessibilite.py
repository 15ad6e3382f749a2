"""The sandbox's login and error pages in Chromium: axe finds nothing serious (securite.md X2)."""

from urllib.parse import urlencode

import pytest

from tests.navigateur.outils import Auditeur

from . import CHEMIN_FC
from . import parametres_autorisation

pytestmark = pytest.mark.navigateur


@pytest.mark.parametrize("changements", [{}, {"state": "trop-court"}], ids=["connexion", "erreur"])
def test_x2_pages_du_fournisseur_sans_violation_grave(serveur, navigateur, changements, request):
    app = serveur(RATELIMIT_ENABLED=False)
    url = f"{app.extensions['portail'].portail_url}{CHEMIN_FC}/authorize?" + urlencode(
        parametres_autorisation(app, **changements))
    navigateur.goto(url)
    assert navigateur.evaluate("document.documentElement.lang") == "fr"
    assert "FranceConnect simulé" in navigateur.title()
    # One journey per page, so that the two pages' screenshots do not replace each other.
    auditeur = Auditeur(navigateur, f"franceconnect-simule-{request.node.callspec.id}")
    auditeur.auditer()
    auditeur.verifier()

