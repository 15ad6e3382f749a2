"""Failed sign-ins slow down whoever makes them: per identifier typed and per address, each
failure past a threshold doubles the wait before the next attempt (securite.md A4, issue 14).

Counted in the database, so that every worker sees the same count; keyed on digests, so that
an unknown identifier is locked like a known one and a lock never tells who has an account.
"""

import hashlib
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portail_famille.extensions import db
from portail_famille.models import VerrouConnexion

# Failures allowed before waits begin: a typing mistake or two never locks anyone out, and a
# town hall's agents share one address.
SEUILS = {"identifiant": 5, "adresse": 20}
ATTENTE_INITIALE = timedelta(seconds=30)
ATTENTE_MAXIMALE = timedelta(hours=1)


def cle(nature: str, valeur: str) -> str:
    """The key under which failures of an identifier or an address are counted."""
    return hashlib.sha256(f"portail-famille:{nature}:{valeur}".encode()).hexdigest()


def cles(identifiant: str, adresse: str | None) -> dict[str, str]:
    """The keys of one attempt, by nature."""
    return {"identifiant": cle("identifiant", identifiant.strip().lower()),
            "adresse": cle("adresse", adresse or "inconnue")}


def bloque_jusqu_a(cles_: dict[str, str], maintenant: datetime) -> datetime | None:
    """Until when an attempt under these keys must wait, or None if it may go on now."""
    fins = db.session.scalars(sa.select(VerrouConnexion.bloque_jusqu_a).where(
        VerrouConnexion.cle.in_(cles_.values()),
        VerrouConnexion.bloque_jusqu_a > maintenant)).all()
    return max(fins, default=None)


def attente(echecs: int, seuil: int) -> timedelta | None:
    """The wait after `echecs` failures: none below the threshold, then 30 s doubling up to an
    hour."""
    if echecs < seuil:
        return None
    return min(ATTENTE_INITIALE * 2 ** (echecs - seuil), ATTENTE_MAXIMALE)


def noter_echec(cles_: dict[str, str], maintenant: datetime) -> datetime | None:
    """Count one failure under each key; the end of the lock it starts or extends, if any."""
    fin = None
    for nature, valeur in cles_.items():
        verrou = _verrou(valeur)
        verrou.echecs += 1
        delai = attente(verrou.echecs, SEUILS[nature])
        if delai is not None:
            verrou.bloque_jusqu_a = maintenant + delai
            fin = max(fin or verrou.bloque_jusqu_a, verrou.bloque_jusqu_a)
    db.session.flush()
    return fin


def _verrou(valeur: str) -> VerrouConnexion:
    """The row of a key, locked for this transaction; created when it is the first failure
    (inside a savepoint: another worker may create it at the same moment)."""
    verrou = db.session.get(VerrouConnexion, valeur, with_for_update=True)
    if verrou is not None:
        return verrou
    try:
        with db.session.begin_nested():
            verrou = VerrouConnexion(cle=valeur, echecs=0)
            db.session.add(verrou)
    except IntegrityError:
        verrou = db.session.get(VerrouConnexion, valeur, with_for_update=True,
                                populate_existing=True)
    return verrou


def effacer(cles_: dict[str, str]) -> None:
    """A successful sign-in: its keys start afresh."""
    db.session.execute(sa.delete(VerrouConnexion).where(VerrouConnexion.cle.in_(cles_.values())))
