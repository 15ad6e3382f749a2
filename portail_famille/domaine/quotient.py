"""The quotient familial: computed from the DGFiP's income, as the tariff retains it, and how
long a retrieved one counts."""

import calendar
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from decimal import localcontext

from portail_famille.domaine.montants import CONTEXTE_EXACT
from portail_famille.domaine.montants import arrondir

MOIS_PAR_AN = 12


class QuotientIncalculable(ValueError):
    """The data cannot give a quotient familial (negative income or QF, no tax share)."""


def quotient_municipal(rfr: Decimal | int, parts: Decimal) -> Decimal:
    """RFR / 12 / parts, exact, rounded half-up to the cent; raise QuotientIncalculable."""
    rfr = _en_decimal(rfr, "le revenu fiscal de référence")
    parts = _en_decimal(parts, "le nombre de parts")
    if not rfr.is_finite() or rfr < 0:
        raise QuotientIncalculable(
            f"revenu fiscal de référence invalide ({rfr}) : il doit être positif ou nul"
        )
    if not parts.is_finite() or parts <= 0:
        raise QuotientIncalculable(
            f"nombre de parts invalide ({parts}) : il doit être strictement positif"
        )
    with localcontext(CONTEXTE_EXACT):
        # One division by an exact product: the only rounding is the final one to the cent.
        qf = rfr / (MOIS_PAR_AN * parts)
    return quotient_retenu(qf)


def annees_de_revenus(aujourd_hui: date) -> list[int]:
    """The income years whose tax situation prices a family, latest first: N-1, then N-2 when
    N-1 is not yet known (impot-particulier §6)."""
    return [aujourd_hui.year - 1, aujourd_hui.year - 2]


def quotient_retenu(qf: Decimal | int) -> Decimal:
    """The QF a tariff uses: rounded half-up to the cent; raise QuotientIncalculable if < 0."""
    qf = _en_decimal(qf, "le quotient familial")
    if not qf.is_finite() or qf < 0:
        raise QuotientIncalculable(
            f"quotient familial invalide ({qf}) : il doit être positif ou nul"
        )
    try:
        return arrondir(qf)
    except InvalidOperation:
        raise QuotientIncalculable(f"quotient familial démesuré ({qf})") from None


def _en_decimal(valeur: Decimal | int, quoi: str) -> Decimal:
    if isinstance(valeur, float):
        # A float has already lost the cents (0.1 is not 1/10): refuse it rather than guess.
        raise TypeError(f"{quoi} doit être un Decimal ou un entier, jamais un float")
    return Decimal(valeur)


# --- Which QF counts, and until when ---------------------------------------------------------

# A document an agent checked, or a QF an agent set at the counter, counts whatever the sources.
SOURCES_DE_LA_MAIRIE = ("justificatif", "mairie")


@dataclass(frozen=True)
class Validite:
    """Whether the latest QF record prices the services: `raison` is None when it does, else
    "aucun", "perime" or "refuse"; `expire_le` is its first day without validity."""

    raison: str | None
    expire_le: date | None


def source_admise(source: str, sources: tuple[str, ...]) -> bool:
    """Whether a record of `source` may count under a grid whose sources are `sources`."""
    return source in sources or source in SOURCES_DE_LA_MAIRIE


def ajouter_mois(jour: date, mois: int) -> date:
    """`jour` plus `mois` months, on the last day of the month when it has no such day
    (31 January + 1 month → 28 or 29 February)."""
    annee, index = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return date(annee, index + 1, min(jour.day, calendar.monthrange(annee, index + 1)[1]))


def validite(recupere_le: datetime | None, refuse_le: datetime | None, validite_mois: int,
             maintenant: datetime, expire_le: date | None = None) -> Validite:
    """tarifs.md §3: the latest record counts for `validite_mois` months from its retrieval
    (or until `expire_le`, the day an agent who set it chose), unless the family refused to
    share its income after it was retrieved."""
    if refuse_le is not None and (recupere_le is None or refuse_le > recupere_le):
        return Validite("refuse", None)
    if recupere_le is None:
        return Validite("aucun", None)
    expire_le = expire_le or ajouter_mois(recupere_le.date(), validite_mois)
    if maintenant.date() >= expire_le:
        return Validite("perime", expire_le)
    return Validite(None, expire_le)
