"""The connectors' shared HTTP machinery: one request, rate-limited, retried, logged without data.

Both clients build a `Requete` and hand it to `Transport.envoyer` with a `classer` function that
maps an error status to their exception. The retry policy is the one of api-particulier.md §11.2
and impot-particulier.md §5; logs follow securite.md E7.
"""

import hashlib
import json
import logging
import math
import random
import time
import uuid
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import TypeVar

import requests

from portail_famille.connecteurs.exceptions import APIInjoignable
from portail_famille.connecteurs.exceptions import BudgetEpuise
from portail_famille.connecteurs.exceptions import ErreurAPI
from portail_famille.connecteurs.exceptions import ReponseInvalide
from portail_famille.connecteurs.exceptions import ServiceIndisponible
from portail_famille.connecteurs.limiteur import AttenteTropLongue
from portail_famille.connecteurs.limiteur import Limiteur
from portail_famille.connecteurs.soap import erreurs_du_defaut

T = TypeVar("T")

JOURNAL = logging.getLogger("portail_famille.connecteurs")
VERSION = "0.1.0"

# api-particulier.md §11.2: only these statuses (and transport errors) are worth another attempt,
# never another 4xx; a 500 there is "retry later", not now.
REESSAYABLES = frozenset({429, 502, 503, 504})
# The one key of the budgets: they count every budgeted call of this client, whoever it is for.
CLE_BUDGET = "budget"
_STATUT_EN_COURS = 409
_STATUT_QUOTA = 429
_ALEA = random.SystemRandom()

Classeur = Callable[[int, tuple[dict, ...]], type[ErreurAPI] | None]


def empreinte(*parties: object) -> str:
    """A stable SHA-256 digest of `parties`: a key that never shows the token or identity."""
    return hashlib.sha256(repr(parties).encode()).hexdigest()


@dataclass(frozen=True)
class Requete:
    """One HTTP call to make; fields that may hold a secret or personal data stay out of repr."""

    methode: str
    url: str = field(repr=False)
    # The path template that is logged instead of the real path (no SPI, no query string).
    gabarit: str
    # Digests under which the limiter counts this call (empty: not limited, e.g. the token call).
    cles_limiteur: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    entetes: Mapping[str, str] = field(default_factory=dict, repr=False)
    formulaire: Mapping[str, str] | None = field(default=None, repr=False)
    # A body sent as it is (a SOAP envelope), instead of `formulaire`.
    corps: bytes | None = field(default=None, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)
    # Send a fresh X-Correlation-ID (UUID) with each HTTP attempt (impot-particulier.md §2).
    correlation: bool = False
    # Counted against the transport's budgets: refused at once, without a call, when one is
    # spent (the caller then takes another path rather than wait).
    budgete: bool = False
    # Someone is waiting for the answer (the sign-in callback): when the API's pace would hold
    # the call back, fail at once so that another source is asked instead.
    sans_file: bool = False


class Transport:
    """Sends requests with rate limiting, bounded retries and logs free of personal data."""

    def __init__(
        self,
        *,
        limiteur: Limiteur,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (5, 12),
        tentatives: int = 3,
        patience: float = 10.0,
        attendre: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.time,
        version: str = VERSION,
        reessayables: frozenset[int] = REESSAYABLES,
        budgets: tuple[Limiteur, ...] = (),
    ):
        self._session = session if session is not None else requests.Session()
        if self._session.verify is False:
            raise ValueError("la vérification TLS des connecteurs ne se désactive pas (E3)")
        self._limiteur = limiteur
        self._timeout = timeout
        self._tentatives = max(1, tentatives)
        self._patience = patience
        self._attendre = attendre
        self._horloge = horloge
        self._user_agent = f"portail-famille/{version}"
        self._reessayables = reessayables
        self._budgets = budgets

    def envoyer(self, requete: Requete, classer: Classeur) -> requests.Response:
        """Return the 200 response, or raise the ErreurAPI that `classer` picks for the status.

        Retries the `reessayables` statuses and transport errors up to `tentatives` attempts in
        all, waiting at least the API's hint and 1 s; a required wait beyond `patience` raises at
        once. A 409 is re-read once after a wait, never fired again at once (securite.md E6).
        """
        echecs = 0
        relu = False
        while True:
            # Each attempt is an arrival for the API: each one takes its place in the budgets.
            budgets = self._prendre_les_budgets() if requete.budgete else []
            try:
                tickets = self._acquerir(requete, classer)
            except ErreurAPI:
                self._terminer(budgets)
                raise
            try:
                resultat = self._emettre(requete, classer)
            finally:
                for cle, ticket in tickets:
                    self._limiteur.terminer(cle, ticket)
                self._terminer(budgets)
            if isinstance(resultat, requests.Response):
                return resultat
            erreur = resultat
            minimum = max(1.0, erreur.reessayer_apres or 0.0)
            if erreur.status == _STATUT_QUOTA:
                # E5: every worker, not only this one, must stay quiet until the API allows it.
                for cle in requete.cles_limiteur:
                    self._limiteur.suspendre(cle, self._horloge() + minimum)
            if erreur.status == _STATUT_EN_COURS and not relu:
                relu = True
            elif erreur.status in self._reessayables or isinstance(erreur, APIInjoignable):
                echecs += 1
                if echecs >= self._tentatives:
                    raise erreur
            else:
                raise erreur
            attente = max(minimum, 2.0 ** max(echecs - 1, 0))
            if attente > self._patience:
                raise erreur
            self._attendre(attente * (1 + _ALEA.uniform(0, 0.25)))

    def _prendre_les_budgets(self) -> list[tuple[Limiteur, str]]:
        """A place in every budget, shortest window first, without waiting; raise BudgetEpuise.

        Shortest first: when the minute is full, no place of the hour is taken for nothing.
        """
        pris = []
        for budget in self._budgets:
            try:
                pris.append((budget, budget.acquerir(CLE_BUDGET, patience=0.0)))
            except AttenteTropLongue as exc:
                self._terminer(pris)
                raise BudgetEpuise(reessayer_apres=exc.attente,
                                   jusqu_a=self._instant(exc.attente), cause="budget") from None
        return pris

    @staticmethod
    def _terminer(pris: list[tuple[Limiteur, str]]) -> None:
        for budget, ticket in pris:
            budget.terminer(CLE_BUDGET, ticket)

    def _acquerir(self, requete: Requete, classer: Classeur) -> list[tuple[str, str]]:
        """One ticket per limiter key of the request; the caller ends them after the call."""
        tickets = []
        for cle in requete.cles_limiteur:
            try:
                patience = 0.0 if requete.sans_file else self._patience
                tickets.append((cle, self._limiteur.acquerir(cle, patience=patience)))
            except AttenteTropLongue as exc:
                for cle_obtenue, ticket in tickets:
                    self._limiteur.terminer(cle_obtenue, ticket)
                # A 429 seen by any worker paused this key beyond what the caller can wait.
                classe = classer(_STATUT_QUOTA, ()) or ServiceIndisponible
                raise classe(
                    reessayer_apres=exc.attente,
                    jusqu_a=self._instant(exc.attente),
                    cause="limiteur",
                ) from None
        return tickets

    def _emettre(self, requete: Requete, classer: Classeur) -> requests.Response | ErreurAPI:
        """Make one HTTP call; return the 200 response or the error (not raised) to act upon."""
        entetes = {"User-Agent": self._user_agent, **requete.entetes}
        correlation = None
        if requete.correlation:
            correlation = entetes["X-Correlation-ID"] = str(uuid.uuid4())
        debut = time.monotonic()
        try:
            reponse = self._session.request(
                requete.methode,
                requete.url,
                params=requete.params or None,
                data=requete.formulaire if requete.corps is None else requete.corps,
                headers=entetes,
                auth=requete.auth,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # Only the class name: the exception's text holds the full URL (query string, SPI).
            cause = type(exc).__name__
            self._journaliser(requete, debut, None, cause, None, correlation)
            return APIInjoignable(correlation_id=correlation, cause=cause)
        request_id = reponse.headers.get("X-Request-ID")
        if reponse.status_code == 200:
            self._journaliser(requete, debut, 200, None, request_id, correlation)
            return reponse
        erreurs = _erreurs_du_corps(reponse)
        reessayer_apres = self._indication(reponse, erreurs)
        classe = classer(reponse.status_code, erreurs) or (
            ServiceIndisponible if reponse.status_code >= 500 else ReponseInvalide
        )
        erreur = classe(
            status=reponse.status_code,
            erreurs=erreurs,
            request_id=request_id,
            correlation_id=correlation,
            reessayer_apres=reessayer_apres,
            jusqu_a=None if reessayer_apres is None else self._instant(reessayer_apres),
        )
        self._journaliser(requete, debut, reponse.status_code, erreur.code, request_id, correlation)
        return erreur

    def _indication(self, reponse: requests.Response, erreurs: tuple[dict, ...]) -> float | None:
        """Seconds the API asks us to wait: the largest of Retry-After, RateLimit-Reset − now and
        meta.retry_in (api-particulier.md §10-§11); None when it gives no hint."""
        maintenant = self._horloge()
        indications = [
            _secondes_retry_after(reponse.headers.get("Retry-After"), maintenant),
            _secondes_reset(reponse.headers.get("RateLimit-Reset"), maintenant),
            *(_nombre(e["meta"].get("retry_in")) for e in erreurs),
        ]
        connues = [i for i in indications if i is not None]
        return max(0.0, *connues) if connues else None

    def _instant(self, secondes: float) -> datetime:
        return datetime.fromtimestamp(self._horloge() + secondes, tz=UTC)

    def _journaliser(self, requete, debut, statut, code, request_id, correlation) -> None:
        """One line per HTTP call: method, path template, status, duration, error code, ids only."""
        duree_ms = round((time.monotonic() - debut) * 1000)
        JOURNAL.log(
            logging.INFO if statut == 200 else logging.WARNING,
            "%s %s %s %d ms code=%s request_id=%s correlation_id=%s",
            requete.methode,
            requete.gabarit,
            statut or "-",
            duree_ms,
            code or "-",
            request_id or "-",
            correlation or "-",
            extra={
                "methode": requete.methode,
                "chemin": requete.gabarit,
                "statut": statut,
                "duree_ms": duree_ms,
                "code_erreur": code,
                "request_id": request_id,
                "correlation_id": correlation,
            },
        )


class FormeInattendue(Exception):
    """A 200 body holds a value of a type the API does not document."""


def lire_corps(
    reponse: requests.Response,
    lire: Callable[[dict, requests.Response], T],
    *,
    parse_float: Callable[[str], object] | None = None,
) -> T:
    """Parse a 200 body as a JSON object whatever its media type and hand it, with the response,
    to `lire`; raise ReponseInvalide for a non-JSON body, a non-object or a FormeInattendue."""
    try:
        corps = json.loads(reponse.content, parse_float=parse_float)
        if not isinstance(corps, dict):
            raise FormeInattendue("le corps n'est pas un objet JSON")
        return lire(corps, reponse)
    except (ValueError, RecursionError, FormeInattendue) as exc:
        raise ReponseInvalide(
            status=reponse.status_code,
            request_id=reponse.headers.get("X-Request-ID"),
            correlation_id=correlation_id(reponse),
            cause=type(exc).__name__,
        ) from None


def correlation_id(reponse: requests.Response) -> str | None:
    """The X-Correlation-ID this client sent with the request that got `reponse`."""
    return reponse.request.headers.get("X-Correlation-ID") if reponse.request else None


def texte(valeur: object) -> str | None:
    """A trimmed non-empty string, or None for null, absent or blank values."""
    if valeur is None:
        return None
    if not isinstance(valeur, str):
        raise FormeInattendue("texte attendu")
    return valeur.strip() or None


def entier(valeur: object) -> int | None:
    """An integer (an integral JSON number read as float or Decimal counts), or None for null."""
    if valeur is None:
        return None
    if isinstance(valeur, int) and not isinstance(valeur, bool):
        return valeur
    if isinstance(valeur, float | Decimal) and math.isfinite(valeur) and valeur == int(valeur):
        return int(valeur)
    raise FormeInattendue("entier attendu")


def objet(valeur: object) -> dict:
    """A JSON object, empty for null or absent."""
    if valeur is None:
        return {}
    if not isinstance(valeur, dict):
        raise FormeInattendue("objet attendu")
    return valeur


def liste(valeur: object) -> list:
    """A JSON array, empty for null or absent."""
    if valeur is None:
        return []
    if not isinstance(valeur, list):
        raise FormeInattendue("tableau attendu")
    return valeur


def _erreurs_du_corps(reponse: requests.Response) -> tuple[dict, ...]:
    """The error entries of any error body, each {code, title, detail, meta, source}; () if none.

    JSON:API `errors` (API Particulier §9), OAuth2 `error` (RFC 6749 §5.2), the DGFiP's
    `erreur.message` (impot-particulier.md §5) and SOAP faults (PayFiP) are read; anything else
    (HTML, text) gives ().
    """
    try:
        corps = json.loads(reponse.content)
    except (ValueError, RecursionError):
        return erreurs_du_defaut(reponse.content)
    if not isinstance(corps, dict):
        return ()
    if isinstance(corps.get("errors"), list):
        brutes = [e for e in corps["errors"] if isinstance(e, dict)]
    elif "error" in corps:
        brutes = [{"code": corps["error"], "detail": corps.get("error_description")}]
    elif isinstance(corps.get("erreur"), dict):
        erreur = corps["erreur"]
        brutes = [{"code": erreur.get("codeapp"), "detail": erreur.get("message")}]
    else:
        return ()
    return tuple(
        {
            "code": None if e.get("code") is None else str(e["code"]),
            "title": e.get("title") if isinstance(e.get("title"), str) else None,
            "detail": e.get("detail") if isinstance(e.get("detail"), str) else None,
            "meta": e.get("meta") if isinstance(e.get("meta"), dict) else {},
            "source": e.get("source") if isinstance(e.get("source"), dict) else None,
        }
        for e in brutes
    )


def _nombre(valeur: object) -> float | None:
    """A finite number from a header or a meta value, else None."""
    try:
        nombre = float(valeur)
    except (TypeError, ValueError):
        return None
    return nombre if math.isfinite(nombre) else None


def _secondes_retry_after(valeur: str | None, maintenant: float) -> float | None:
    """Retry-After as delay-seconds or HTTP-date (RFC 9110 §10.2.3)."""
    if valeur is None:
        return None
    secondes = _nombre(valeur)
    if secondes is not None:
        return secondes
    try:
        return parsedate_to_datetime(valeur).timestamp() - maintenant
    except (TypeError, ValueError):
        return None


def _secondes_reset(valeur: str | None, maintenant: float) -> float | None:
    """RateLimit-Reset: Unix epoch seconds on API Particulier (§10); a small number is read as
    the delay-seconds of the IETF draft, so that a gateway following the draft is honoured too."""
    reset = _nombre(valeur)
    if reset is None:
        return None
    return reset - maintenant if reset > 1_000_000_000 else reset
