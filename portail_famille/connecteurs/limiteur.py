"""Coordination between callers: rate limiting and in-flight deduplication, in process or in Redis.

A Redis client, when used, is passed in (duck-typed: `set`, `get`, `register_script`), so this
module never imports redis. Keys handed to these classes are digests (`transport.empreinte`),
never a token or an identity.
"""

import math
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol
from typing import TypeVar

T = TypeVar("T")

# The API counts arrivals, the limiter sees grants. A call therefore keeps its place in the window
# while it is in flight (for at most TENUE seconds, should its process die), and counts from the
# moment it ended, which is after it arrived: scheduling between a grant and the sending can then
# never bring 21 arrivals into one second (api-particulier.md §10: the IP risks a 12-hour ban).
# MARGE is added to the window on top, for clock granularity.
MARGE = 0.05
TENUE = 60.0
# How long to wait when every call of the window is still in flight (one will end soon).
ATTENTE_EN_VOL = 0.01

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

    def acquerir(self, cle: str, patience: float | None = None) -> str:
        """Block until a call may go out and return its ticket; raise AttenteTropLongue if that
        exceeds `patience` s."""

    def terminer(self, cle: str, ticket: str) -> None:
        """The call of `ticket` has ended: it now counts from this moment."""

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
        # key → {ticket: instant}: the end of the call, or TENUE ahead while it is in flight.
        self._octrois: dict[str, dict[str, float]] = {}
        self._pauses: dict[str, float] = {}

    def acquerir(self, cle: str, patience: float | None = None) -> str:
        """Block until fewer than `limite` calls are in flight or ended in the last window, and no
        pause holds; return the call's ticket."""
        while True:
            with self._verrou:
                attente, ticket = self._reserver(cle)
            if ticket is not None:
                return ticket
            if patience is not None and attente > patience:
                raise AttenteTropLongue(attente)
            # At least a millisecond, so that a float rounding cannot spin on a frozen test clock.
            self._attendre(max(attente, 0.001))

    def cles_en_memoire(self) -> tuple[int, int]:
        """How many keys this process tracks: with calls in a window, and paused."""
        with self._verrou:
            return len(self._octrois), len(self._pauses)

    def terminer(self, cle: str, ticket: str) -> None:
        """The call has ended: it counts from now, for one window."""
        with self._verrou:
            octrois = self._octrois.get(cle)
            if octrois is not None and ticket in octrois:
                octrois[ticket] = self._horloge()

    def suspendre(self, cle: str, jusqu_a: float) -> None:
        """Hold every call for `cle` until `jusqu_a`; a shorter pause never cuts a longer one."""
        with self._verrou:
            self._pauses[cle] = max(jusqu_a, self._pauses.get(cle, 0.0))

    def _reserver(self, cle: str) -> tuple[float, str | None]:
        """Grant a call now (its ticket) or say how long to wait; the lock is held."""
        maintenant = self._horloge()
        if len(self._octrois) > _SEUIL_PURGE:
            self._purger(maintenant)
        pause = self._pauses.get(cle, 0.0)
        if maintenant < pause:
            return pause - maintenant, None
        octrois = self._octrois.setdefault(cle, {})
        sortis = [t for t, instant in octrois.items() if instant <= maintenant - self._fenetre]
        for ticket in sortis:
            del octrois[ticket]
        if len(octrois) < self._limite:
            ticket = uuid.uuid4().hex
            octrois[ticket] = maintenant + TENUE
            return 0.0, ticket
        if not octrois:
            # A limit of 0: no call ever goes out (a budget switched off).
            return self._fenetre, None
        plus_ancien = min(octrois.values())
        if plus_ancien > maintenant:
            return ATTENTE_EN_VOL, None
        return plus_ancien + self._fenetre - maintenant, None

    def _purger(self, maintenant: float) -> None:
        limite = maintenant - self._fenetre
        self._octrois = {c: o for c, o in self._octrois.items()
                         if any(instant > limite for instant in o.values())}
        self._pauses = {c: p for c, p in self._pauses.items() if p > maintenant}


# KEYS: window sorted set, pause key. ARGV: limit, window (µs), ticket, hold (µs), poll (µs).
# Redis TIME is the clock every process agrees on; scores and the pause are in µs. A call in
# flight scores TENUE ahead, then `_SCRIPT_TERMINER` sets its score to the moment it ended.
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
  redis.call('ZADD', KEYS[1], maintenant + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil((fenetre + tonumber(ARGV[4])) / 1000))
  return 0
end
local plus_ancien = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
if plus_ancien == nil then
  return fenetre
end
local premier = tonumber(plus_ancien)
if premier > maintenant then
  return tonumber(ARGV[5])
end
return math.max(1, premier + fenetre - maintenant)
"""

# KEYS: window sorted set. ARGV: ticket. The call ended: it now counts from Redis TIME.
_SCRIPT_TERMINER = """
local temps = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(temps[1]) * 1000000 + tonumber(temps[2]), ARGV[1])
return 0
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
        self._terminer = client.register_script(_SCRIPT_TERMINER)
        self._suspendre = client.register_script(_SCRIPT_SUSPENDRE)

    def acquerir(self, cle: str, patience: float | None = None) -> str:
        """Block until the shared window for `cle` has room and no shared pause holds; return
        the call's ticket."""
        cles = [self._cle(cle, "fenetre"), self._cle(cle, "pause")]
        ticket = uuid.uuid4().hex
        arguments = [self._limite, self._fenetre_us, ticket, round(TENUE * 1_000_000),
                     round(ATTENTE_EN_VOL * 1_000_000)]
        while True:
            attente_us = int(self._acquerir(keys=cles, args=arguments))
            if attente_us <= 0:
                return ticket
            attente = attente_us / 1_000_000
            if patience is not None and attente > patience:
                raise AttenteTropLongue(attente)
            self._attendre(max(attente, 0.001))

    def terminer(self, cle: str, ticket: str) -> None:
        """The call has ended: in every process's view, it counts from now."""
        self._terminer(keys=[self._cle(cle, "fenetre")], args=[ticket])

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
        # Longer than a call with all its retries (3 × (5 + 12) s plus backoff, about 55 s):
        # a lock that expired earlier would let the identical request out and earn a 409.
        expiration: float = TENUE,
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
