"""What a month of bookings and attendance bills, from plain values: the billable days of one
child in one service, each with its reason, and the lines of an invoice (days × unit price).

The rule of each service comes from calendrier.yaml (`facturation`, beside the cut-offs):
- « reservations »: every booked day, attended or not, except a justified absence;
- « presences »: every day the child was marked present, booked or not;
- « reservations_et_presences »: the booked days as above, and a presence without a booking
  with the service's surcharge (an amount or a percentage of the day's price).
A justified absence is never billed, whatever the rule.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from decimal import localcontext

from portail_famille.domaine import francais
from portail_famille.domaine.montants import CONTEXTE_EXACT
from portail_famille.domaine.montants import arrondir
from portail_famille.domaine.montants import formater_montant
from portail_famille.domaine.montants import formater_tel_quel

RESERVATIONS = "reservations"
PRESENCES = "presences"
RESERVATIONS_ET_PRESENCES = "reservations_et_presences"
MODES = (RESERVATIONS, PRESENCES, RESERVATIONS_ET_PRESENCES)

# The attendance marks (models.reservations.ETATS_POINTAGE), as plain text here.
PRESENT = "present"
ABSENT_JUSTIFIE = "absent_justifie"
ABSENT_INJUSTIFIE = "absent_injustifie"
SANS_RESERVATION = "present_sans_reservation"

# Why a day is billed: the words of the invoice line.
MOTIFS = {
    "reserve": "jour réservé",
    "reserve_present": "jour réservé, présent",
    "reserve_absent": "jour réservé, absence non justifiée",
    "present": "présent",
    "sans_reservation": "présent sans réservation",
    "sans_reservation_majore": "présent sans réservation, majoré",
}


@dataclass(frozen=True)
class RegleFacturation:
    """A service's billing rule; the surcharge applies to a presence without booking in the
    « reservations_et_presences » mode only, as an amount or a percentage (never both)."""

    mode: str = RESERVATIONS
    majoration_montant: Decimal = Decimal(0)
    majoration_pourcent: Decimal = Decimal(0)

    def majorer(self, prix: Decimal) -> Decimal:
        """The day's price with the unbooked-presence surcharge, half-up to the cent."""
        with localcontext(CONTEXTE_EXACT):
            return arrondir(prix * (100 + self.majoration_pourcent) / 100
                            + self.majoration_montant)

    @property
    def libelle_majoration(self) -> str:
        if self.majoration_pourcent:
            return f"+{formater_tel_quel(self.majoration_pourcent)} %"
        return f"+{formater_montant(self.majoration_montant)} €"


@dataclass(frozen=True)
class JourFacturable:
    jour: date
    motif: str  # a key of MOTIFS
    majore: bool = False


def jours_facturables(regle: RegleFacturation, reserves: Iterable[date],
                      marques: Mapping[date, str]) -> list[JourFacturable]:
    """The billable days of one child in one service, in date order, each once.

    `reserves`: the days booked (after the cut-off, what the booking says); `marques`: the
    attendance mark of each day marked (a key of ETATS_POINTAGE).
    """
    reserves = set(reserves)
    resultat = []
    for jour in sorted(reserves | set(marques)):
        marque = marques.get(jour)
        if marque == ABSENT_JUSTIFIE:
            continue
        reserve = jour in reserves
        present = marque in (PRESENT, SANS_RESERVATION)
        if regle.mode == PRESENCES:
            if present:
                resultat.append(JourFacturable(
                    jour, "present" if reserve else "sans_reservation"))
        elif reserve:
            motif = {PRESENT: "reserve_present", ABSENT_INJUSTIFIE: "reserve_absent"}.get(
                marque, "reserve")
            resultat.append(JourFacturable(jour, motif))
        elif present and regle.mode == RESERVATIONS_ET_PRESENCES:
            resultat.append(JourFacturable(jour, "sans_reservation_majore", majore=True))
    return resultat


@dataclass(frozen=True)
class JourTarife:
    """A billable day with its unit price and what it rests on (the grid's explanation and
    the version of the grid)."""

    jour: date
    motif: str
    prix: Decimal
    explication: str


@dataclass(frozen=True)
class Ligne:
    """Days of one child in one service billed at the same price for the same reason."""

    motif: str
    prix_unitaire: Decimal
    explication: str
    jours: tuple[date, ...]

    @property
    def quantite(self) -> int:
        return len(self.jours)

    @property
    def montant(self) -> Decimal:
        return arrondir(self.prix_unitaire * self.quantite)

    @property
    def libelle_jours(self) -> str:
        return ", ".join(francais.date_courte(jour) for jour in self.jours)


def regrouper(jours: Iterable[JourTarife]) -> list[Ligne]:
    """The invoice lines of one child and service: the days grouped by price, reason and
    explanation, in the order of their first day."""
    groupes: dict[tuple[str, Decimal, str], list[date]] = {}
    for tarife in sorted(jours, key=lambda j: j.jour):
        groupes.setdefault((tarife.motif, tarife.prix, tarife.explication), []).append(
            tarife.jour)
    return [Ligne(motif, prix, explication, tuple(dates))
            for (motif, prix, explication), dates in groupes.items()]


def total(lignes: Iterable[Ligne]) -> Decimal:
    """The sum of the lines' amounts (each already to the cent)."""
    return sum((ligne.montant for ligne in lignes), Decimal("0.00"))
