"""The clients of the income APIs, built once per process from the settings.

With Redis, their rate limits and in-flight locks are shared by every process
(api-particulier.md §11), else kept in this process. A source the grid enables but whose
settings are empty is refused at boot when the portal serves, and otherwise fails its calls as a
configuration error, never as a 500.
"""

import logging
import time
from collections.abc import Callable
from functools import cached_property

import redis

from portail_famille.config import ConfigurationInvalide
from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.api_particulier import ClientAPIParticulier
from portail_famille.connecteurs.impot_particulier import ClientImpotParticulier
from portail_famille.connecteurs.limiteur import EnVol
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.limiteur import LimiteurRedis
from portail_famille.connecteurs.payfip import ClientPayFiP

REGLAGES_DES_SOURCES = {
    "caf": ("api_particulier_url", "api_particulier_token", "api_particulier_recipient"),
    "dgfip": ("impot_particulier_url", "impot_particulier_token_url",
              "impot_particulier_client_id", "impot_particulier_client_secret"),
}
# API Particulier: at most 20 calls a second per token (api-particulier.md §10).
APPELS_PAR_SECONDE_API_PARTICULIER = 20
# ...and, for calls with a family's FranceConnect token, 30 a minute and 600 an hour per client
# IP, which is the commune's one outgoing IP (§10): every worker of the portal shares them.
BUDGETS_FRANCE_CONNECT = ((30, 60.0), (600, 3600.0))


class ReglagesIncomplets(exceptions.ErreurAPI):
    """A source the grid enables lacks its settings: the call cannot even be made."""


def _vides(config, source: str) -> list[str]:
    return [nom.upper() for nom in REGLAGES_DES_SOURCES[source] if not getattr(config, nom)]


def reglages_manquants(config, sources: tuple[str, ...]) -> list[str]:
    """The settings each enabled source needs and that are empty, as `NOM est obligatoire`."""
    return [f"{nom} est obligatoire : la grille active la source « {source} »"
            for source in sources for nom in _vides(config, source)]


class Clients:
    """The two connectors, built on first use: a command-line task that reaches no API needs
    none of their settings."""

    def __init__(self, config, redis_client=None, *,
                 attendre: Callable[[float], None] = time.sleep):
        self._config = config
        self._redis = redis_client
        # How the clients wait (backoff, limiter): the real clock, or a test's.
        self._attendre = attendre
        self._en_vol = EnVol(redis_client, attendre=attendre)

    def _limiteur(self, limite: int, fenetre: float, prefixe: str = "portail:limiteur:"):
        if self._redis is None:
            return LimiteurLocal(limite, fenetre, attendre=self._attendre)
        return LimiteurRedis(self._redis, limite, fenetre, prefixe, attendre=self._attendre)

    def _budgets_france_connect(self) -> tuple:
        """The per-IP budgets of FranceConnect-mode calls, one limiter per window."""
        return tuple(self._limiteur(limite, fenetre, f"portail:budget-fc:{limite}-{fenetre:g}:")
                     for limite, fenetre in BUDGETS_FRANCE_CONNECT)

    def _verifier(self, source: str) -> None:
        manquants = _vides(self._config, source)
        if manquants:
            raise ReglagesIncomplets(cause=manquants[0])

    @cached_property
    def api_particulier(self) -> ClientAPIParticulier:
        self._verifier("caf")
        config = self._config
        return ClientAPIParticulier(
            config.api_particulier_url, config.api_particulier_token or None,
            config.api_particulier_recipient,
            limiteur=self._limiteur(APPELS_PAR_SECONDE_API_PARTICULIER, 1.0),
            en_vol=self._en_vol, attendre=self._attendre,
            budgets_france_connect=self._budgets_france_connect())

    @cached_property
    def impot_particulier(self) -> ClientImpotParticulier:
        self._verifier("dgfip")
        config = self._config
        return ClientImpotParticulier(
            config.impot_particulier_url, config.impot_particulier_token_url,
            config.impot_particulier_client_id, config.impot_particulier_client_secret,
            limiteur=self._limiteur(config.impot_particulier_appels_par_minute, 60.0),
            en_vol=self._en_vol, attendre=self._attendre)


def client_payfip(config) -> ClientPayFiP | None:
    """The PayFiP client of the commune, or None when it has no client number (no online
    payment); the settings were checked at boot."""
    if not config.payfip_numcli:
        return None
    return ClientPayFiP(config.payfip_url, config.payfip_numcli, config.payfip_saisie)


def init_app(app, config, verifier: bool) -> None:
    """Install the income clients as `app.extensions["revenus"]` and PayFiP's as
    `app.extensions["payfip"]`; with `verifier`, refuse a grid in force whose sources lack their
    settings (the sign-in callback would fail for every family)."""
    if verifier:
        with app.app_context():
            sources = app.extensions["grille"].obtenir().grille.sources
        manquants = reglages_manquants(config, sources)
        if manquants:
            raise ConfigurationInvalide("Configuration invalide :\n- " + "\n- ".join(manquants))
    app.extensions["revenus"] = Clients(
        config, redis.Redis.from_url(config.redis_url) if config.redis_url else None)
    app.extensions["payfip"] = client_payfip(config)
    # urllib3 logs full URLs at DEBUG, query strings included: never personal data (E7).
    logging.getLogger("urllib3").setLevel(logging.INFO)
