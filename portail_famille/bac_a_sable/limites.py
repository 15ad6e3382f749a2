"""The simulators' own limits: fixed windows, requests in flight, the answer cache, stored tokens.

Shared by the API Particulier and API Impôt particulier simulators, behind one small store: Redis
when REDIS_URL is set, so that several server processes count and cache together
(api-particulier.md §12), else this process's memory. Expiries follow the wall clock
`time.time()`, which tests move with time-machine; Redis's own expiry only bounds how long a key
is kept. Keys are digests (`empreinte`), never a token or an identity.
"""

import hashlib
import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import redis
from flask import current_app

CLE_EXTENSION = "bac_a_sable.limites"
# app.config key: the prefix of every Redis key, so that tests and instances stay apart.
PREFIXE_REDIS = "BAC_A_SABLE_PREFIXE_REDIS"
PREFIXE_REDIS_DEFAUT = "portail:bac-a-sable:"

# Expired entries of the in-memory store are swept once it holds more than this many.
_SEUIL_PURGE = 4096


class Magasin(Protocol):
    """Keys with a value and an expiry, the few operations the simulators need."""

    def incrementer(self, cle: str, duree: float) -> int:
        """Add one to the counter `cle` (created for `duree` seconds) and return it."""

    def reserver(self, cle: str, duree: float) -> bool:
        """Take `cle` for `duree` seconds unless it is already taken; True when taken now."""

    def liberer(self, cle: str) -> None:
        """Drop `cle`."""

    def conserver(self, cle: str, valeur: str, duree: float) -> None:
        """Keep `valeur` under `cle` for `duree` seconds."""

    def retrouver(self, cle: str) -> tuple[str, float] | None:
        """The value under `cle` and its seconds left, or None when absent or expired."""


class MagasinMemoire:
    """A Magasin in this process's memory (tests, a demo without Redis), thread-safe."""

    def __init__(self):
        self._verrou = threading.Lock()
        self._entrees: dict[str, tuple[object, float]] = {}

    def incrementer(self, cle: str, duree: float) -> int:
        with self._verrou:
            entree = self._vivante(cle)
            if entree is None:
                self._poser(cle, 1, duree)
                return 1
            compte, expire_a = entree
            self._entrees[cle] = (compte + 1, expire_a)
            return compte + 1

    def reserver(self, cle: str, duree: float) -> bool:
        with self._verrou:
            if self._vivante(cle) is not None:
                return False
            self._poser(cle, True, duree)
            return True

    def liberer(self, cle: str) -> None:
        with self._verrou:
            self._entrees.pop(cle, None)

    def conserver(self, cle: str, valeur: str, duree: float) -> None:
        with self._verrou:
            self._poser(cle, valeur, duree)

    def retrouver(self, cle: str) -> tuple[str, float] | None:
        with self._verrou:
            entree = self._vivante(cle)
        return None if entree is None else (entree[0], entree[1] - time.time())

    def _vivante(self, cle: str) -> tuple[object, float] | None:
        entree = self._entrees.get(cle)
        if entree is None or entree[1] <= time.time():
            return None
        return entree

    def _poser(self, cle: str, valeur: object, duree: float) -> None:
        maintenant = time.time()
        if len(self._entrees) > _SEUIL_PURGE:
            self._entrees = {c: e for c, e in self._entrees.items() if e[1] > maintenant}
        self._entrees[cle] = (valeur, maintenant + duree)


class MagasinRedis:
    """A Magasin shared by every server process through Redis."""

    def __init__(self, client: redis.Redis, prefixe: str = PREFIXE_REDIS_DEFAUT):
        self._client = client
        self._prefixe = prefixe

    def incrementer(self, cle: str, duree: float) -> int:
        with self._client.pipeline() as pipeline:
            pipeline.incr(self._prefixe + cle)
            # One second more than the window, so that a counter outlives it on a slow call.
            pipeline.pexpire(self._prefixe + cle, _millisecondes(duree + 1))
            compte, _ = pipeline.execute()
        return int(compte)

    def reserver(self, cle: str, duree: float) -> bool:
        return bool(self._client.set(self._prefixe + cle, "1", nx=True, px=_millisecondes(duree)))

    def liberer(self, cle: str) -> None:
        self._client.delete(self._prefixe + cle)

    def conserver(self, cle: str, valeur: str, duree: float) -> None:
        # The expiry instant travels with the value: it is checked against this host's clock,
        # the one tests move; Redis's expiry only frees the key.
        texte = json.dumps([valeur, time.time() + duree])
        self._client.set(self._prefixe + cle, texte, px=_millisecondes(duree))

    def retrouver(self, cle: str) -> tuple[str, float] | None:
        texte = self._client.get(self._prefixe + cle)
        if texte is None:
            return None
        valeur, expire_a = json.loads(texte)
        reste = expire_a - time.time()
        return (valeur, reste) if reste > 0 else None


@dataclass(frozen=True)
class Fenetre:
    """One fixed window of a rate limit, after counting the current call."""

    limite: int
    compte: int
    fin: int  # Unix time, in seconds, when the window closes

    @property
    def depassee(self) -> bool:
        return self.compte > self.limite

    @property
    def restant(self) -> int:
        return max(0, self.limite - self.compte)

    def attente(self) -> int:
        """Whole seconds until the window closes, for Retry-After (0 is possible, §10)."""
        return max(0, math.ceil(self.fin - time.time()))

    def entetes(self) -> dict[str, str]:
        """The RateLimit-* headers of API Particulier (§10: Reset in Unix epoch seconds)."""
        return {
            "RateLimit-Limit": str(self.limite),
            "RateLimit-Remaining": str(self.restant),
            "RateLimit-Reset": str(self.fin),
        }


def init_app(app, config) -> None:
    """Give `app` its store, once for both simulators: Redis if configured, else memory."""
    if CLE_EXTENSION in app.extensions:
        return
    if config.redis_url:
        prefixe = app.config.setdefault(PREFIXE_REDIS, PREFIXE_REDIS_DEFAUT)
        magasin = MagasinRedis(redis.Redis.from_url(config.redis_url), prefixe)
    else:
        magasin = MagasinMemoire()
    app.extensions[CLE_EXTENSION] = magasin


def magasin() -> Magasin:
    """The store of the current app."""
    return current_app.extensions[CLE_EXTENSION]


def empreinte(*parties: object) -> str:
    """A stable digest of `parties`, to use as a key without showing a token or an identity."""
    return hashlib.sha256(repr(parties).encode()).hexdigest()


def compter(cle: str, limite: int, duree: int = 1) -> Fenetre:
    """Count one call in the current fixed window of `duree` seconds for `cle`."""
    debut = int(time.time() // duree) * duree
    compte = magasin().incrementer(f"fenetre:{cle}:{duree}:{debut}", duree)
    return Fenetre(limite, compte, debut + duree)


@contextmanager
def en_vol(cle: str, duree: float) -> Iterator[bool]:
    """Mark the request `cle` as in flight while the block runs; yield False if it already was."""
    # `duree` bounds the mark should the process die mid-call: it must exceed the longest call.
    cle = f"en-vol:{cle}"
    libre = magasin().reserver(cle, duree)
    try:
        yield libre
    finally:
        if libre:
            magasin().liberer(cle)


def conserver(cle: str, valeur: str, duree: float) -> None:
    """Keep `valeur` under `cle` for `duree` seconds (cached answers, gateway tokens)."""
    magasin().conserver(f"valeur:{cle}", valeur, duree)


def retrouver(cle: str) -> tuple[str, float] | None:
    """The value kept under `cle` and its seconds left, or None."""
    return magasin().retrouver(f"valeur:{cle}")


def _millisecondes(secondes: float) -> int:
    return max(1, math.ceil(secondes * 1000))
