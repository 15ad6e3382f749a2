"""The school calendar in force: calendrier.yaml, read and checked at boot, with the French
public holidays of the `holidays` package (their own calendar, not the file's to say)."""

from datetime import date
from pathlib import Path

import holidays

from portail_famille.domaine import calendrier_scolaire
from portail_famille.domaine import chargement_calendrier

# What the command line catches, without reaching into the domain.
Calendrier = calendrier_scolaire.Calendrier
CalendrierInvalide = calendrier_scolaire.CalendrierInvalide


def lire_fichier(chemin: Path) -> Calendrier:
    """The calendar of a file, public holidays included; raise CalendrierInvalide or OSError."""
    calendrier = chargement_calendrier.charger_fichier(chemin)
    # The year before the first rentrée too: a cut-off counts working days back from it.
    annees = range(calendrier.annees[0].rentree.year - 1, calendrier.annees[-1].fin_des_cours.year
                   + 1)
    return calendrier.avec_feries(holidays.country_holidays("FR", years=annees))


def resumer(calendrier: Calendrier, aujourd_hui: date) -> str:
    """A one-line summary of a valid calendar, for `calendrier verifier`."""
    annees = ", ".join(annee.libelle for annee in calendrier.annees)
    suivant = next((annee for annee in calendrier.annees if annee.fin_des_cours >= aujourd_hui),
                   None)
    avertissement = "" if suivant is not None else " (attention : aucune année à venir)"
    return (f"{calendrier.commune}, zone {calendrier.zone} : {annees}, "
            f"{len(calendrier.delais)} délais{avertissement}")


class CalendrierEnVigueur:
    """The calendar read at boot, or the error that a command-line task reports when asked."""

    def __init__(self, calendrier: Calendrier | None, erreur: Exception | None = None):
        self._calendrier = calendrier
        self._erreur = erreur

    def obtenir(self) -> Calendrier:
        if self._erreur is not None:
            raise self._erreur
        return self._calendrier


def init_app(app, config, pour_servir: bool = True) -> None:
    """Read the calendar file at boot; serving with an invalid or unreadable one is refused.

    A command line task starts anyway, so that `calendrier verifier` can list the errors.
    """
    try:
        calendrier = lire_fichier(config.calendrier_fichier)
    except (CalendrierInvalide, OSError) as erreur:
        if pour_servir:
            raise
        app.extensions["calendrier"] = CalendrierEnVigueur(None, erreur)
        return
    app.extensions["calendrier"] = CalendrierEnVigueur(calendrier)
