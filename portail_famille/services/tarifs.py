"""Rates for the pages: every service of a period priced for one situation, with its curve."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING
from decimal import Decimal
from decimal import InvalidOperation

from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import quotient
from portail_famille.domaine import simulation
from portail_famille.domaine import tarification

# Views and commands catch the service's errors without reaching into the tariff arithmetic.
QuotientIncalculable = quotient.QuotientIncalculable
PeriodeIntrouvable = grille_domaine.PeriodeIntrouvable

# The charts run to at least this QF, so that families compare on one familiar scale.
QF_MAX_GRAPHIQUE = Decimal("2500")


@dataclass(frozen=True)
class Situation:
    """What a rate depends on: a QF (None = no valid QF), residence and sibling rank."""

    qf: Decimal | None
    hors_commune: bool = False
    rang: int = 1


@dataclass(frozen=True)
class LigneTarif:
    """One service of a period priced for a situation, with the curve of its barème."""

    code: str
    service: grille_domaine.Service
    tarif: tarification.Tarif
    prix_bareme: Decimal | None
    courbe: list[tuple[Decimal, Decimal]]
    qf_max: Decimal


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
        return quotient.quotient_retenu(_decimal_positif("qf", qf))
    if rfr is None or parts is None:
        raise ValueError("rfr et parts vont ensemble")
    try:
        return quotient.quotient_municipal(_decimal_positif("rfr", rfr),
                                           _decimal_positif("parts", parts))
    except ArithmeticError:  # decimal overflow: an RFR of 1e999999 for 1e-999999 parts
        raise QuotientIncalculable("revenu fiscal de référence ou nombre de parts démesuré") \
            from None


def lire_date(texte: str | None) -> date:
    """An ISO date (AAAA-MM-JJ), today when empty; raise ValueError with a French message."""
    if not texte:
        return date.today()
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise ValueError(f"date invalide « {texte} » (format attendu AAAA-MM-JJ)") from None


def lire_rang(texte: str) -> int:
    """A sibling rank from 1 (the eldest); raise ValueError with a French message."""
    if not re.fullmatch(r"[0-9]{1,9}", texte) or int(texte) < 1:
        raise ValueError(f"rang invalide « {texte} » (un entier à partir de 1)")
    return int(texte)


def _decimal_positif(nom: str, texte: str) -> Decimal:
    try:
        valeur = Decimal(texte.strip())
    except InvalidOperation:
        raise ValueError(f"{nom} doit être un nombre (reçu « {texte} »)") from None
    if not valeur.is_finite() or valeur < 0:
        raise ValueError(f"{nom} doit être un nombre positif ou nul (reçu « {texte} »)")
    return valeur


def qf_depuis_revenus(rfr: Decimal, parts: Decimal) -> Decimal:
    """The municipal QF (RFR / 12 / parts); raise QuotientIncalculable."""
    return quotient.quotient_municipal(rfr, parts)


def periode_a(grille: grille_domaine.Grille, le: date) -> grille_domaine.Periode:
    """The period in force on `le`; raise PeriodeIntrouvable."""
    return grille.periode_a(le)


def tarifer_periode(periode: grille_domaine.Periode, situation: Situation) -> list[LigneTarif]:
    """Price every service of `periode` for `situation`, in the file's order."""
    lignes = []
    for code, service in periode.services.items():
        tarif = tarification.calculer_tarif(
            periode, code, situation.qf, hors_commune=situation.hors_commune, rang=situation.rang
        )
        qf_max = _echelle(service, situation.qf)
        prix_bareme = None if situation.qf is None else tarif.prix_de_base
        lignes.append(LigneTarif(code, service, tarif, prix_bareme,
                                 simulation.points_de_courbe(service.bareme, qf_max), qf_max))
    return lignes


def simuler_json(grille: grille_domaine.Grille, le: date, situation: Situation) -> dict:
    """The simulation as the CLI's JSON object (tarifs.md §5); raise PeriodeIntrouvable."""
    return simulation.simuler(grille, le, situation.qf, hors_commune=situation.hors_commune,
                              rang=situation.rang)


def en_json(resultat: dict) -> str:
    """The one-line JSON text the CLI prints and the API serves."""
    return simulation.en_json(resultat)


def _echelle(service: grille_domaine.Service, qf: Decimal | None) -> Decimal:
    """The chart's last QF: past the barème's last change of slope and the family's QF."""
    cassures = [qf_cassure for qf_cassure, _ in service.bareme.cassures()]
    plus_grand = max([QF_MAX_GRAPHIQUE, (qf or 0) * Decimal("1.1"),
                      *(c * Decimal("1.2") for c in cassures)])
    return (plus_grand / 500).to_integral_value(rounding=ROUND_CEILING) * 500
