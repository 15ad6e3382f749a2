"""The connectors' exceptions: one state per HTTP outcome, with a message fit for a family.

Each exception keeps the technical detail (status, first error's code/title/detail, meta, request
ids, every error entry) apart from `message`, the short French sentence the UI may show. `str()`
holds only status, code and title: never a query string, a token or an identity, so that a
logged exception cannot leak personal data (securite.md E7).
"""

from datetime import datetime
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

_AUTRE_CHEMIN = "Vous pouvez réessayer plus tard ou transmettre un justificatif."


class ErreurAPI(Exception):
    """An API call did not give a usable answer; subclasses say why."""

    message = f"Le service n'a pas pu répondre. {_AUTRE_CHEMIN}"

    def __init__(
        self,
        *,
        status: int | None = None,
        erreurs: tuple[dict, ...] = (),
        request_id: str | None = None,
        correlation_id: str | None = None,
        reessayer_apres: float | None = None,
        jusqu_a: datetime | None = None,
        cause: str | None = None,
    ):
        self.status = status
        self.erreurs = tuple(erreurs)
        premiere = self.erreurs[0] if self.erreurs else {}
        self.code: str | None = premiere.get("code")
        self.titre: str | None = premiere.get("title")
        self.detail: str | None = premiere.get("detail")
        self.meta: dict = premiere.get("meta") or {}
        self.request_id = request_id
        self.correlation_id = correlation_id
        # Seconds the API asked us to wait (Retry-After, RateLimit-Reset or meta.retry_in).
        self.reessayer_apres = reessayer_apres
        self.jusqu_a = jusqu_a
        # For transport failures: the requests exception's class name only, since its text holds
        # the full URL (query string, SPI).
        self.cause = cause
        super().__init__(self._resume())

    def _resume(self) -> str:
        parties = [type(self).__name__]
        if self.status is not None:
            parties.append(f"HTTP {self.status}")
        parties += [p for p in (self.code, self.titre, self.cause) if p]
        if self.request_id:
            parties.append(f"request_id={self.request_id}")
        if self.correlation_id:
            parties.append(f"correlation_id={self.correlation_id}")
        return " ".join(parties)


class AuthentificationRefusee(ErreurAPI):
    """401: the API token, the gateway token or the family's FranceConnect token was refused."""

    message = (
        "Votre connexion n'a pas pu être vérifiée. Reconnectez-vous avec FranceConnect, "
        "ou transmettez un justificatif."
    )


class AccesRefuse(ErreurAPI):
    """403: the token is valid but not for this data (scopes, calling IP)."""

    message = f"La mairie n'a pas accès à ce service pour le moment. {_AUTRE_CHEMIN}"


class DossierAbsent(ErreurAPI):
    """404: the person was identified but has no CAF or MSA file."""

    message = (
        "Aucun dossier CAF ou MSA n'a été trouvé à votre nom. Vous pouvez utiliser votre avis "
        "d'imposition ou transmettre un justificatif."
    )


class RequeteEnCours(ErreurAPI):
    """409: the same request is still being processed upstream, even after one re-read."""

    message = "Votre demande est déjà en cours de traitement. Patientez un instant puis réessayez."


class RouteSupprimee(ErreurAPI):
    """410: the route no longer exists (a portal bug, api-particulier.md §2)."""

    message = f"Ce service n'est plus disponible. {_AUTRE_CHEMIN}"


class IdentiteIntrouvable(ErreurAPI):
    """422 00355/00366: nobody matches the identity typed in the form; the family can fix it."""

    message = (
        "Nous n'avons pas pu vous retrouver. Vérifiez votre nom de naissance, vos prénoms, "
        "votre date et votre lieu de naissance."
    )


class ParametresInvalides(ErreurAPI):
    """422 (other codes): a parameter was refused; `erreurs` lists each one."""

    message = "Certaines informations saisies n'ont pas été acceptées. Vérifiez le formulaire."


class ServiceIndisponible(ErreurAPI):
    """The service or its provider is unavailable (429, 5xx, timeouts) after bounded retries."""

    message = f"Le service est momentanément indisponible. {_AUTRE_CHEMIN}"


class QuotaDepasse(ServiceIndisponible):
    """429: the portal's rate limit is reached; `reessayer_apres` says for how long."""

    message = "Le service reçoit trop de demandes. Réessayez dans quelques minutes."


class FournisseurEnErreur(ServiceIndisponible):
    """500/502: the API or the CAF/MSA answered with an error."""

    message = f"La CAF ou la MSA n'a pas pu répondre. {_AUTRE_CHEMIN}"


class APIEnMaintenance(ServiceIndisponible):
    """503: the provider is in maintenance, until `jusqu_a` when the API says so."""

    @property
    def message(self) -> str:
        heure = _heure_de_paris(self.jusqu_a)
        if heure is None:
            return f"Le service est en maintenance. {_AUTRE_CHEMIN}"
        return (
            f"Le service est en maintenance. Réessayez après {heure}, "
            "ou transmettez un justificatif."
        )


class DelaiDepasse(ServiceIndisponible):
    """504: the provider did not answer the API in time."""

    message = f"L’organisme interrogé met trop de temps à répondre. {_AUTRE_CHEMIN}"


class APIInjoignable(ServiceIndisponible):
    """No HTTP answer: timeout, connection refused, TLS failure (or a banned IP, §9)."""

    message = f"Le service ne répond pas pour le moment. {_AUTRE_CHEMIN}"


class ReponseInvalide(ErreurAPI):
    """The answer could not be read: not JSON, unexpected shape, or an unexpected status."""

    message = f"Le service a envoyé une réponse illisible. {_AUTRE_CHEMIN}"


class SituationIntrouvable(ErreurAPI):
    """DGFiP 204/403/404/410: no tax situation for this household and year (`status` kept)."""

    message = (
        "Aucune situation fiscale n'a été trouvée pour cette année de revenus. Vous pouvez "
        "transmettre votre avis d'imposition."
    )


class RequeteRefusee(ErreurAPI):
    """DGFiP 400: the request was refused as malformed (e.g. « format SPI incorrect »)."""

    message = "Votre numéro fiscal n'a pas été accepté. Vérifiez-le sur votre avis d'imposition."


class NumeroFiscalInvalide(ValueError):
    """The numéro fiscal is not 13 digits once spaces are removed; raised before any call."""

    message = (
        "Le numéro fiscal comporte 13 chiffres. Vous le trouverez en haut de votre avis "
        "d'imposition."
    )


def _heure_de_paris(instant: datetime | None) -> str | None:
    """`instant` as « 23 h 45 » in Paris time, the time the maintenance window is given in."""
    if instant is None:
        return None
    try:
        local = instant.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:  # no tz database on the host: a generic message, not a wrong hour
        return None
    return f"{local.hour} h {local:%M}"
