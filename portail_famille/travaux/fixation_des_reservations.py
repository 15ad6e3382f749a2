"""Each night: the bookings of the coming month are fixed (written as each enrolment says), so
that every day has its row before its cut-off, the row the agents mark and the invoice bills
(services/reservations.py explains the rules)."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from flask import current_app

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import reservations
from portail_famille.travaux import parametres
from portail_famille.travaux import progresser
from portail_famille.travaux import travail

NATURE = "fixation_des_reservations"
# Longer than any cut-off of calendrier.yaml (a week at most there): each day is fixed while
# still modifiable, however many nights the job misses.
HORIZON = timedelta(days=31)


def tache_du_jour(jour: date) -> Tache:
    return travaux.tache_du_jour(NATURE, jour, {"jour": jour.isoformat()})


def lancer_celle_du_jour() -> None:
    """What the schedule runs each night, in a worker."""
    travaux.lancer_celle_du_jour(tache_du_jour)


@travail(NATURE)
def fixer(tache: Tache) -> dict:
    jour = date.fromisoformat(parametres(tache)["jour"])
    inscriptions = reservations.fixer(
        jour, jour + HORIZON, current_app.extensions["calendrier"].obtenir(),
        current_app.extensions["grille"].obtenir().grille, datetime.now(UTC),
        lambda fait, total: progresser(tache, fait, total=total))
    db.session.commit()
    return {"inscriptions": inscriptions}
