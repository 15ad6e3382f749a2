"""The connectors' exceptions: one state per HTTP outcome, technical facts only.

Each exception keeps the status, the first error's code/title/detail, meta, request ids and every
error entry; what a family reads about it is worded by the income service, in one table.
`str()` holds only status, code and title: never a query string, a token or an identity, so
that a logged exception cannot leak personal data (securite.md E7).
"""

from datetime import datetime


class ErreurAPI(Exception):
    """An API call did not give a usable answer; subclasses say why."""

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


class AccesRefuse(ErreurAPI):
    """403: the token is valid but not for this data (scopes, calling IP)."""


class DossierAbsent(ErreurAPI):
    """404: the person was identified but has no CAF or MSA file."""


class RequeteEnCours(ErreurAPI):
    """409: the same request is still being processed upstream, even after one re-read."""


class RouteSupprimee(ErreurAPI):
    """410: the route no longer exists (a portal bug, api-particulier.md §2)."""


class IdentiteIntrouvable(ErreurAPI):
    """422 00355/00366: nobody matches the identity typed in the form; the family can fix it."""


class ParametresInvalides(ErreurAPI):
    """422 (other codes): a parameter was refused; `erreurs` lists each one."""


class ServiceIndisponible(ErreurAPI):
    """The service or its provider is unavailable (429, 5xx, timeouts) after bounded retries."""


class QuotaDepasse(ServiceIndisponible):
    """429: the portal's rate limit is reached; `reessayer_apres` says for how long."""


class BudgetEpuise(QuotaDepasse):
    """No call was made: the portal's own budget for this kind of call is spent (the API's
    per-IP limits on FranceConnect calls, api-particulier.md §10); `reessayer_apres` says when
    the next one fits."""


class FournisseurEnErreur(ServiceIndisponible):
    """500/502: the API or the CAF/MSA answered with an error."""


class APIEnMaintenance(ServiceIndisponible):
    """503: the provider is in maintenance, until `jusqu_a` when the API says so."""


class DelaiDepasse(ServiceIndisponible):
    """504: the provider did not answer the API in time."""


class APIInjoignable(ServiceIndisponible):
    """No HTTP answer: timeout, connection refused, TLS failure (or a banned IP, §9)."""


class ReponseInvalide(ErreurAPI):
    """The answer could not be read: not JSON, unexpected shape, or an unexpected status."""


class SituationIntrouvable(ErreurAPI):
    """DGFiP 204/403/404/410: no tax situation for this household and year (`status` kept)."""


class RequeteRefusee(ErreurAPI):
    """DGFiP 400: the request was refused as malformed (e.g. « format SPI incorrect »)."""


class PaiementEnAttente(ErreurAPI):
    """PayFiP fault P5: the payment has not ended yet (payfip.md step 5); ask again later."""


class OperationInconnue(ErreurAPI):
    """PayFiP fault P1: no such idOp, never created or purged overnight (payfip.md step 5)."""


class ChampDePaiementInvalide(ValueError):
    """A field of a PayFiP payment breaks payfip.md's rules; raised before any call. `champ` is
    the field's PayFiP name, the message says the rule in French."""

    def __init__(self, champ: str, message: str):
        super().__init__(message)
        self.champ = champ


class NumeroFiscalInvalide(ValueError):
    """The numéro fiscal is not 13 digits once spaces are removed; raised before any call."""
