"""The yearly QF renewal campaign (issue 12), started by an admin or by the schedule before each
school year.

The campaign's job lists its households, then hands them to `LOTS` batch jobs that every worker
may run at once: each takes one household at a time (`services.renouvellement.prendre`), and
the shared limiter of the API Particulier client keeps all of them, together, within the API's
20 requests a second, so that none gets a 429.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import renouvellement
from portail_famille.travaux import creer
from portail_famille.travaux import envoyer
from portail_famille.travaux import parametres
from portail_famille.travaux import progresser
from portail_famille.travaux import travail
from portail_famille.travaux.expedition import envoyer_les_courriels
from portail_famille.web import redaction

NATURE = "renouvellement"
NATURE_LOT = "renouvellement_lot"
# Batch jobs per campaign: as many workers as a commune runs, at most, share it.
LOTS = 4
# The schedule starts the campaign this long before the next period, once.
AVANCE = timedelta(days=60)
# A batch reports (and sends the emails decided so far) every this many households.
PAS = 25


def lancer(avant: date, lancee_par_id: int | None = None, cle: str | None = None) -> Tache:
    """A campaign for the QFs that will not count any more on `avant` (flushed; to send after
    the commit)."""
    return creer(NATURE, {"avant": avant.isoformat()}, cle=cle, lancee_par_id=lancee_par_id)


def lancer_avant_la_rentree() -> None:
    """What the schedule runs each night: the campaign of the next period, once, when it is
    close enough and the council has voted it."""
    grille = current_app.extensions["grille"].obtenir().grille
    periode = renouvellement.prochaine_periode(grille, date.today())
    if periode is None or periode.debut - date.today() > AVANCE:
        return
    tache = lancer(periode.debut, cle=f"{NATURE}:{periode.debut.isoformat()}")
    db.session.commit()
    envoyer(tache)


def campagne_de(lot: Tache) -> int:
    return parametres(lot)["campagne"]


def en_cours(campagne: Tache) -> bool:
    """Whether the campaign still runs: being prepared, or one of its batches not over."""
    if campagne.etat in ("en_attente", "en_cours"):
        return True
    return db.session.scalar(sa.select(sa.func.count()).where(
        Tache.cle.like(f"{NATURE_LOT}:{campagne.id}:%"),
        Tache.etat.in_(("en_attente", "en_cours")))) > 0


@travail(NATURE)
def preparer(tache: Tache) -> dict:
    grille = current_app.extensions["grille"].obtenir().grille
    avant = date.fromisoformat(parametres(tache)["avant"])
    total = renouvellement.preparer(tache.id, renouvellement.cibles(
        grille, avant, date.today(), datetime.now(UTC)))
    progresser(tache, 0, total=total)
    lots = [creer(NATURE_LOT, {"campagne": tache.id}, cle=f"{NATURE_LOT}:{tache.id}:{rang}")
            for rang in range(LOTS)]
    db.session.commit()
    for lot in lots:
        envoyer(lot)
    return {"familles": total}


@travail(NATURE_LOT)
def traiter(lot: Tache) -> dict:
    campagne = campagne_de(lot)
    clients = current_app.extensions["revenus"]
    traites = 0
    while (item := renouvellement.prendre(campagne, datetime.now(UTC))) is not None:
        renouvellement.renouveler(item, clients, datetime.now(UTC))
        if item.etat in renouvellement.TERMINES:
            _annoncer(item)
        # One household at a time: what is concluded stays concluded if this worker dies.
        db.session.commit()
        traites += 1
        if traites % PAS == 0:
            progresser(lot, traites)
            envoyer_les_courriels()
    envoyer_les_courriels()
    return {"familles": traites}


def _annoncer(item) -> None:
    if item.etat == "renouvele":
        redaction.annoncer("qf_renouvele", f"qf_renouvele:{item.tache_id}:{item.famille_id}",
                           item.famille_id)
    else:
        redaction.annoncer("qf_non_renouvele",
                           f"qf_non_renouvele:{item.tache_id}:{item.famille_id}",
                           item.famille_id)
