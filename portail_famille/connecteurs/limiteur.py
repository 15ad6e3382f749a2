"""Coordination between callers: rate limiting and in-flight deduplication, in process or in Redis.

A Redis client, when used, is passed in (duck-typed: `set`, `get`, `register_script`), so this
module never imports redis. Keys handed to these classes are digests (`transport.empreinte`),
never a token or an identity.
"""

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol
from typing import TypeVar

T = TypeVar("T")

# Spacing added to the window: the limiter sees the moment a call is granted, the API the moment
# it arrives, and connection set-up or thread scheduling can bring two arrivals closer than their
# grants (api-particulier.md §10: exceeding 20 per second risks a 12-hour ban of the IP).
MARGE = 0.05

# Stale keys of LimiteurLocal are swept once it holds more than this many (FranceConnect calls use
# one key per family token, so keys come and go).
_SEUIL_PURGE = 1024


class AttenteTropLongue(Exception):
    """The limiter would make the caller wait longer than its patience; `attente` is in seconds."""

    def __init__(self, attente: float):
        self.attente = attente
        super().__init__(f"attente de {attente:.1f} s")


class Limiteur(Protocol):
    """At most `limite` calls per key in any window of `fenetre` seconds, and a shared pause."""

    def acquerir(self, cle: str, patience: float | None = None) -> None:
        """Block until a call may go out; raise AttenteTropLongue if that exceeds `patience` s."""

    def suspendre(self, cle: str, jusqu_a: float) -> None:
        """Let no call for `cle` go out before the Unix time `jusqu_a` (after a 429)."""


class LimiteurLocal:
    """Thread-safe sliding-window limiter for one process; `jusqu_a` uses the `horloge` clock."""

    def __init__(
        self,
        limite: int = 20,
        fenetre: float = 1.0,
        *,
        marge: float = MARGE,
        horloge: Callable[[], float] = time.time,
        attendre: Callable[[float], None] = time.sleep,
    ):
        self._limite = limite
        self._fenetre = fenetre + marge
        self._horloge = horloge
        self._attendre = attendre
        self._verrou = threading.Lock()
        self._octrois: dict[str, deque[float]] = {}
        self._pauses: dict[str, float] = {}

    def acquerir(self, cle: str, patience: float | None = None) -> None:
        """Block until fewer than `limite` calls went out in the last window and no pause holds."""
        while True:
            with self._verrou:
                attente = self._reserver(cle)
            if attente <= 0:
                return
            if patience is not None and attente > patience:
                raise AttenteTropLongue(attente)
            # At least a millisecond, so that a float rounding cannot spin on a frozen test clock.
            self._attendre(max(attente, 0.001))

    def suspendre(self, cle: str, jusqu_a: float) -> None:
        """Hold every call for `cle` until `jusqu_a`; a shorter pause never cuts a longer one."""
        with self._verrou:
            self._pauses[cle] = max(jusqu_a, self._pauses.get(cle, 0.0))

    def _reserver(self, cle: str) -> float:
        """Grant a call now (return 0) or return the seconds to wait; the lock is held."""
        maintenant = self._horloge()
        if len(self._octrois) > _SEUIL_PURGE:
            self._purger(maintenant)
        pause = self._pauses.get(cle, 0.0)
        if maintenant < pause:
            return pause - maintenant
        octrois = self._octrois.setdefault(cle, deque())
        while octrois and octrois[0] <= maintenant - self._fenetre:
            octrois.popleft()
        if len(octrois) < self._limite:
            octrois.append(maintenant)
            return 0.0
        return octrois[0] + self._fenetre - maintenant

    def _purger(self, maintenant: float) -> None:
        limite = maintenant - self._fenetre
        self._octrois = {c: o for c, o in self._octrois.items() if o and o[-1] > limite}
        self._pauses = {c: p for c, p in self._pauses.items() if p > maintenant}


# KEYS: window sorted set, pause key. ARGV: limit, window (µs), unique member.
# Redis TIME is the clock every process agrees on; scores and the pause are in µs.
_SCRIPT_ACQUERIR = """
local temps = redis.call('TIME')
local maintenant = tonumber(temps[1]) * 1000000 + tonumber(temps[2])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if maintenant < pause then
  return pause - maintenant
end
local fenetre = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', maintenant - fenetre)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], maintenant, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(fenetre / 1000))
  return 0
end
local premier = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(premier[2]) + fenetre - maintenant)
"""

# KEYS: pause key. ARGV: duration (µs). Extends the pause, never shortens it.
_SCRIPT_SUSPENDRE = """
local temps = redis.call('TIME')
local maintenant = tonumber(temps[1]) * 1000000 + tonumber(temps[2])
local duree = tonumber(ARGV[1])
local actuelle = tonumber(redis.call('GET', KEYS[1]) or '0')
if maintenant + duree > actuelle then
  redis.call('SET', KEYS[1], string.format('%d', maintenant + duree), 'PX', math.ceil(duree / 1000))
end
return 0
"""

# KEYS: lock key. ARGV: owner token. Deletes the lock only if this caller still owns it.
_SCRIPT_LIBERER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LimiteurRedis:
    """Sliding-window limiter shared by every process through Redis, atomic (one Lua script)."""

    def __init__(
        self,
        client,
        limite: int = 20,
        fenetre: float = 1.0,
        prefixe: str = "portail:limiteur:",
        *,
        marge: float = MARGE,
        horloge: Callable[[], float] = time.time,
        attendre: Callable[[float], None] = time.sleep,
    ):
        self._limite = limite
        self._fenetre_us = round((fenetre + marge) * 1_000_000)
        self._prefixe = prefixe
        self._horloge = horloge
        self._attendre = attendre
        self._acquerir = client.register_script(_SCRIPT_ACQUERIR)
        self._suspendre = client.register_script(_SCRIPT_SUSPENDRE)

    def acquerir(self, cle: str, patience: float | None = None) -> None:
        """Block until the shared window for `cle` has room and no shared pause holds."""
        cles = [self._cle(cle, "fenetre"), self._cle(cle, "pause")]
        while True:
            attente_us = int(
                self._acquerir(keys=cles, args=[self._limite, self._fenetre_us, uuid.uuid4().hex])
            )
            if attente_us <= 0:
                return
            attente = attente_us / 1_000_000
            if patience is not None and attente > patience:
                raise AttenteTropLongue(attente)
            self._attendre(max(attente, 0.001))

    def suspendre(self, cle: str, jusqu_a: float) -> None:
        """Hold every process's calls for `cle` until `jusqu_a` (Unix time, this host's clock)."""
        # Sent as a duration and anchored on Redis TIME, so that host clock skew cancels out.
        duree = jusqu_a - self._horloge()
        if duree > 0:
            self._suspendre(keys=[self._cle(cle, "pause")], args=[math.ceil(duree * 1_000_000)])

    def _cle(self, cle: str, nature: str) -> str:
        # The hash tag keeps both keys of one limiter in the same Redis Cluster slot (one script).
        return f"{self._prefixe}{{{cle}}}:{nature}"


class EnVol:
    """At most one identical request in flight: later callers share the first one's outcome."""

    def __init__(
        self,
        client=None,
        *,
        expiration: float = 30.0,
        intervalle: float = 0.05,
        prefixe: str = "portail:en-vol:",
        attendre: Callable[[float], None] = time.sleep,
    ):
        self._client = client
        self._expiration_ms = math.ceil(expiration * 1000)
        self._essais = math.ceil(expiration / intervalle) + 1
        self._intervalle = intervalle
        self._prefixe = prefixe
        self._attendre = attendre
        self._liberer = client.register_script(_SCRIPT_LIBERER) if client is not None else None
        self._verrou = threading.Lock()
        self._en_cours: dict[str, Future] = {}

    def executer(self, empreinte: str, fonction: Callable[[], T]) -> T:
        """Run `fonction` unless the same `empreinte` is already running here; then wait for it.

        In process, the second caller gets the first one's result or exception. Across processes
        (Redis client given), it waits for the first one's lock to be released, then calls: the
        API's own cache answers the repeat (api-particulier.md §11.4, securite.md E6).
        """
        with self._verrou:
            futur = self._en_cours.get(empreinte)
            premier = futur is None
            if premier:
                futur = self._en_cours[empreinte] = Future()
        if not premier:
            return futur.result()
        try:
            resultat = self._sous_verrou_partage(empreinte, fonction)
        except BaseException as exc:
            futur.set_exception(exc)
            raise
        else:
            futur.set_result(resultat)
            return resultat
        finally:
            with self._verrou:
                del self._en_cours[empreinte]

    def _sous_verrou_partage(self, empreinte: str, fonction: Callable[[], T]) -> T:
        if self._client is None:
            return fonction()
        cle = self._prefixe + empreinte
        proprietaire = uuid.uuid4().hex
        for _ in range(self._essais):
            if self._client.set(cle, proprietaire, nx=True, px=self._expiration_ms):
                try:
                    return fonction()
                finally:
                    self._liberer(keys=[cle], args=[proprietaire])
            self._attendre(self._intervalle)
        # Others kept taking the lock for longer than its expiry: call anyway rather than starve.
        return fonction()
