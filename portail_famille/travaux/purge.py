"""The daily purge of what has outlived its retention (`services.retention`)."""

from datetime import date
from datetime import timedelta

from flask import current_app

from portail_famille import travaux
from portail_famille.auth import sessions
from portail_famille.models import Tache
from portail_famille.models import maintenant
from portail_famille.services import retention
from portail_famille.travaux import travail

NATURE = "purge"


def durees(config) -> retention.Durees:
    """The retention durations of the settings, and the session timeouts of every role."""
    delais = [*sessions.DELAIS.values(), sessions.DELAIS_ANONYME]
    return retention.Durees(
        justificatifs=timedelta(days=config.retention_justificatifs_jours),
        foyers_inactifs=timedelta(days=config.retention_foyers_inactifs_jours),
        journal=timedelta(days=config.retention_journal_jours),
        taches=timedelta(days=config.retention_taches_jours),
        sessions_inactives=max(inactivite for inactivite, _ in delais),
        sessions_anciennes=max(absolu for _, absolu in delais),
    )


@travail(NATURE)
def purger(tache: Tache) -> dict:
    return retention.purger(durees(current_app.extensions["portail"]), maintenant())


def tache_du_jour(jour: date) -> Tache:
    """The purge of `jour`, created once whoever asks (the schedule, an operator)."""
    return travaux.tache_du_jour(NATURE, jour)


def lancer_celle_du_jour() -> None:
    """What the schedule runs each night, in a worker: today's purge, once."""
    travaux.lancer_celle_du_jour(tache_du_jour)
