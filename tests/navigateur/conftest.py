import pytest


@pytest.fixture
def portail(serveur, horloge):
    """The portal over HTTP for a journey under the module's clock (`horloge`, bound with
    tests.aides.horloge_a); a journey on other settings defines its own `portail`."""
    return serveur(RATELIMIT_ENABLED=False)
