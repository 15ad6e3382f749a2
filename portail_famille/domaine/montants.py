"""Money: Decimal amounts rounded half-up to the cent, never through a binary float."""

from decimal import ROUND_HALF_UP
from decimal import Context
from decimal import Decimal

CENTIME = Decimal("0.01")

# Intermediate results (QF × rate, interpolation, RFR / 12 / parts) keep 50 significant digits, far
# more than any amount needs, so that the only rounding that matters is the final one to the cent.
CONTEXTE_EXACT = Context(prec=50, rounding=ROUND_HALF_UP)


def arrondir(x: Decimal) -> Decimal:
    """`x` half-up to the cent (2.005 → 2.01), 2 decimals; InvalidOperation past 48 digits."""
    return x.quantize(CENTIME, rounding=ROUND_HALF_UP, context=CONTEXTE_EXACT)


def formater_montant(x: Decimal) -> str:
    """`x` rounded half-up to the cent as a plain string with 2 decimals: `6.9` → `"6.90"`."""
    return format(arrondir(x), "f")


def formater_tel_quel(x: Decimal) -> str:
    """`x` in plain notation with the decimals it has: `Decimal("800")` → `"800"`, never `8E+2`."""
    return format(x, "f")
