"""The quotient familial: computed from the DGFiP's income, and as the tariff retains it."""

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
