"""Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set.

Nothing personal leaves: no user, cookies, headers beyond a few technical ones, bodies, query
strings, local variables of the frames or breadcrumb data (an identity lookup's URL carries
names in its query string) — securite.md E7, G3.
"""

import sentry_sdk

from portail_famille.web import journal_http

ENTETES_GARDES = {"Host", "User-Agent", "X-Request-Id", "Content-Type", "Content-Length"}


def expurger(evenement: dict, _indice=None) -> dict:
    """The event without anything that could name a family or carry a secret."""
    evenement.pop("user", None)
    requete = evenement.get("request")
    if isinstance(requete, dict):
        for cle in ("query_string", "cookies", "data", "env"):
            requete.pop(cle, None)
        if isinstance(requete.get("url"), str):
            requete["url"] = requete["url"].split("?", 1)[0]
        entetes = requete.get("headers")
        if isinstance(entetes, dict):
            requete["headers"] = {nom: valeur for nom, valeur in entetes.items()
                                  if nom.title() in ENTETES_GARDES}
    miettes = evenement.get("breadcrumbs")
    for miette in (miettes.get("values", []) if isinstance(miettes, dict) else miettes or []):
        miette.pop("data", None)
    identifiant = journal_http.requete_id()
    if identifiant:
        evenement.setdefault("tags", {})["requete_id"] = identifiant
    return evenement


def init_app(config) -> None:
    """Start reporting when a DSN is configured; nothing otherwise. The SDK's own defaults
    already keep personal data out (`send_default_pii` off); `expurger` does not rely on it."""
    if not config.sentry_dsn:
        return
    sentry_sdk.init(
        dsn=config.sentry_dsn,
        include_local_variables=False,
        traces_sample_rate=0,
        before_send=expurger,
        environment="bac-a-sable" if config.bac_a_sable else "production",
    )
