"""Periods open to enrolment, and the rules of an enrolment's days and first day."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from portail_famille.domaine import francais
from portail_famille.domaine import scolarite
from portail_famille.domaine.grille import JOURS_DE_CLASSE
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import Periode
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.domaine.grille import Service

# School days of the week: a service that names none of them runs every one.
JOURS_OUVRES = JOURS_DE_CLASSE


class ChoixRefuse(ValueError):
    """An enrolment choice the rules refuse; `champ` names the form field the message is for."""

    def __init__(self, champ: str, message: str):
        super().__init__(message)
        self.champ = champ
        self.message = message


@dataclass(frozen=True)
class Choix:
    """What the family chose: the days of the week and the first day."""

    jours: tuple[str, ...]
    date_debut: date


def periodes_ouvertes(grille: Grille, aujourd_hui: date) -> tuple[Periode, ...]:
    """The periods a family may enrol in: the one in force (between two, the next to come) and
    the following one when the grid already holds it."""
    try:
        courante = grille.periode_a(aujourd_hui)
    except PeriodeIntrouvable:
        a_venir = [p for p in grille.periodes if p.debut > aujourd_hui]
        return tuple(a_venir[:1])
    suivante = grille.periode_suivante(courante)
    return (courante,) if suivante is None else (courante, suivante)


def periode_ouverte(grille: Grille, debut: date, aujourd_hui: date) -> Periode | None:
    """The open period starting on `debut`, or None once it is closed or gone from the grid."""
    return next((p for p in periodes_ouvertes(grille, aujourd_hui) if p.debut == debut), None)


def jours_dans_l_ordre(jours) -> str:
    """The chosen days as stored: in the week's order, comma-separated (« lundi,jeudi »)."""
    return ",".join(jour for jour in JOURS_OUVRES if jour in jours)


def verifier_choix(periode: Periode, service: Service, choix: Choix, aujourd_hui: date,
                   feries: Container[date], date_inchangee: date | None = None) -> None:
    """Raise ChoixRefuse unless the days are days the service runs and the first day is a
    school day of the period, from today on (a first day already past may stay as it was:
    `date_inchangee`)."""
    if not choix.jours:
        raise ChoixRefuse("jours", "Cochez au moins un jour.")
    if not set(choix.jours) <= set(service.jours):
        raise ChoixRefuse("jours", f"{service.libelle} : {les_jours(service.jours)} "
                                   "seulement.")
    if not periode.debut <= choix.date_debut <= periode.fin:
        raise ChoixRefuse(
            "date_debut", f"Choisissez une date entre le {francais.date_longue(periode.debut)} "
                          f"et le {francais.date_longue(periode.fin)}.")
    if choix.date_debut == date_inchangee:
        return
    if choix.date_debut < aujourd_hui:
        raise ChoixRefuse("date_debut", "Choisissez une date à partir d’aujourd’hui.")
    if not scolarite.jour_de_classe(choix.date_debut, feries):
        raise ChoixRefuse("date_debut", f"Le {francais.date_longue(choix.date_debut)} n’est pas "
                                        "un jour de classe : choisissez un jour du lundi au "
                                        "vendredi, hors jour férié.")


def les_jours(jours: tuple[str, ...]) -> str:
    """« le mercredi », « le lundi et le jeudi », « du lundi au vendredi »."""
    if jours == JOURS_OUVRES:
        return "du lundi au vendredi"
    noms = [f"le {jour}" for jour in jours]
    return noms[0] if len(noms) == 1 else f"{', '.join(noms[:-1])} et {noms[-1]}"
