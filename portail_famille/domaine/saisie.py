"""What the command line and the JSON API accept as text: a QF, an RFR with its shares, a date,
a sibling rank, an amount. Every refusal is a ValueError with a French message."""

import re
from datetime import date
from decimal import Decimal
from decimal import InvalidOperation

from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.quotient import QuotientIncalculable
from portail_famille.domaine.quotient import quotient_municipal
from portail_famille.domaine.quotient import quotient_retenu

MONTANT_MAXIMAL = Decimal("99999.99")


def lire_qf(*, qf: str | None = None, rfr: str | None = None, parts: str | None = None,
            sans_quotient: bool = False) -> Decimal | None:
    """Read exactly one of a QF, an RFR with its shares, or "no QF" from text.

    Shared by the command line and the JSON API; raise ValueError with a French message.
    """
    choisis = [qf is not None, rfr is not None or parts is not None, sans_quotient]
    if sum(choisis) != 1:
        raise ValueError("indiquez exactement un de : qf, rfr et parts, sans quotient")
    if sans_quotient:
        return None
    if qf is not None:
        # Rounded here, so that an absurd QF is refused with the arguments, not mid-computation.
        return quotient_retenu(_decimal_positif("qf", qf))
    if rfr is None or parts is None:
        raise ValueError("rfr et parts vont ensemble")
    try:
        return quotient_municipal(_decimal_positif("rfr", rfr),
                                           _decimal_positif("parts", parts))
    except ArithmeticError:  # decimal overflow: an RFR of 1e999999 for 1e-999999 parts
        raise QuotientIncalculable("revenu fiscal de référence ou nombre de parts démesuré") \
            from None


def lire_date(texte: str | None, aujourd_hui: date) -> date:
    """An ISO date (AAAA-MM-JJ), `aujourd_hui` when empty; raise ValueError with a French
    message."""
    if not texte:
        return aujourd_hui
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise ValueError(f"date invalide « {texte} » (format attendu AAAA-MM-JJ)") from None


def lire_rang(texte: str) -> int:
    """A sibling rank from 1 (the eldest); raise ValueError with a French message."""
    if not re.fullmatch(r"[0-9]{1,9}", texte) or int(texte) < 1:
        raise ValueError(f"rang invalide « {texte} » (un entier à partir de 1)")
    return int(texte)


def lire_montant(texte: str, nom: str) -> Decimal:
    """An amount in euros, positive or zero, to the cent; raise ValueError with a French
    message."""
    valeur = _decimal_positif(nom, texte)
    if valeur > MONTANT_MAXIMAL:
        raise ValueError(f"{nom} trop grand (au plus {MONTANT_MAXIMAL} €)")
    return arrondir(valeur)


def _decimal_positif(nom: str, texte: str) -> Decimal:
    try:
        valeur = Decimal(texte.strip())
    except InvalidOperation:
        raise ValueError(f"{nom} doit être un nombre (reçu « {texte} »)") from None
    if not valeur.is_finite() or valeur < 0:
        raise ValueError(f"{nom} doit être un nombre positif ou nul (reçu « {texte} »)")
    return valeur
