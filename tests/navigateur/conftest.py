import pytest
from playwright.sync_api import sync_playwright


@pytest.fixture
def navigateur(request):
    """A Chromium page `request.param` CSS pixels wide (1280 unless parametrized)."""
    from tests.navigateur import outils

    # CI sets PORTAIL_NAVIGATEUR_OBLIGATOIRE=1: a missing Chromium is then a failure.
    assert outils.CHROMIUM.exists(), f"{outils.CHROMIUM} est introuvable (apt-get install chromium)"
    largeur = getattr(request, "param", outils.BUREAU)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(outils.CHROMIUM),
                                              args=outils.OPTIONS)
        contexte = chromium.new_context(
            accept_downloads=True, locale="fr-FR",
            viewport={"width": largeur, "height": outils.HAUTEURS.get(largeur, 800)})
        yield contexte.new_page()
        contexte.close()
        chromium.close()


@pytest.fixture
def portail(serveur, horloge):
    """The portal over HTTP for a journey under the module's clock (`horloge`, bound with
    tests.aides.horloge_a); a journey on other settings defines its own `portail`."""
    return serveur(RATELIMIT_ENABLED=False)
