"""Rates for the pages: every service of a period priced for one situation, with its curve."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import quotient
from portail_famille.domaine import saisie
from portail_famille.domaine import simulation
from portail_famille.domaine import tarification

# Views and commands catch the service's errors without reaching into the tariff arithmetic.
QuotientIncalculable = quotient.QuotientIncalculable
PeriodeIntrouvable = grille_domaine.PeriodeIntrouvable

# The command line and the JSON API read their arguments through the service.
lire_qf = saisie.lire_qf
lire_date = saisie.lire_date
lire_rang = saisie.lire_rang
lire_montant = saisie.lire_montant


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
        qf_max = simulation.echelle(service.bareme, situation.qf)
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

