"""Background jobs (issue 12): RQ over Redis when REDIS_URL is set, else run in the request,
synchronously, through the same code.

RQ, rather than Celery or Dramatiq: the portal already runs Redis, its jobs are few and coarse
(a campaign, a purge, a batch of emails), and RQ needs no broker settings, no result backend
and no serialiser choices; retries with backoff and a cron scheduler come with it.

A job is a `Tache` row; the queue carries its id only. Each kind registers its function with
`@travail("nature")`; the function receives the row, reports progress with `progresser`, and
must be idempotent: run twice, or resumed after its worker died, it does nothing twice.
"""

import contextlib
import json
import logging
from collections.abc import Callable
from datetime import date
from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import current_app
from rq import Queue
from rq import Retry
from rq import SimpleWorker
from rq import get_current_job

from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.models import maintenant

journal = logging.getLogger(__name__)

FILE = "portail"
# Backoff between attempts of a failed job, in seconds: then it is marked « échouée ».
ATTENTES = (10, 60, 300)
# A job en_cours that has not reported for this long lost its worker: it is resumed.
SILENCE_MAXIMAL = timedelta(minutes=5)
# One attempt may run this long before RQ stops it (a campaign at the API's pace is long).
DUREE_MAXIMALE_S = 6 * 3600

TRAVAUX: dict[str, Callable[[Tache], dict | None]] = {}


def travail(nature: str):
    """Register the function that does the jobs of `nature`; it returns the report, or None."""
    def enregistrer(fonction):
        TRAVAUX[nature] = fonction
        return fonction
    return enregistrer


def creer(nature: str, parametres: dict | None = None, *, cle: str | None = None,
          lancee_par_id: int | None = None, total: int | None = None) -> Tache:
    """The job to run (flushed, to be sent after the commit); with `cle`, the one already asked
    for under that key if there is one."""
    if nature not in TRAVAUX:
        raise KeyError(f"tâche inconnue : {nature}")
    if cle is not None:
        existante = db.session.scalars(sa.select(Tache).where(Tache.cle == cle)).first()
        if existante is not None:
            return existante
    tache = Tache(nature=nature, cle=cle, parametres=json.dumps(parametres or {}),
                  lancee_par_id=lancee_par_id, total=total)
    db.session.add(tache)
    db.session.flush()
    return tache


def parametres(tache: Tache) -> dict:
    return json.loads(tache.parametres)


def rapport(tache: Tache) -> dict:
    return json.loads(tache.rapport)


def progresser(tache: Tache, avance: int, total: int | None = None,
               rapport_partiel: dict | None = None) -> None:
    """Record how far the job got, and commit: what is done stays done if the worker dies."""
    tache.avance = avance
    if total is not None:
        tache.total = total
    if rapport_partiel is not None:
        tache.rapport = json.dumps(rapport_partiel, ensure_ascii=False)
    tache.vue_le = maintenant()
    db.session.commit()


def _redis_url() -> str | None:
    return current_app.extensions["portail"].redis_url


def _file(redis_url: str) -> Queue:
    return Queue(FILE, connection=redis.Redis.from_url(redis_url))


def envoyer(tache: Tache) -> None:
    """After the commit that created it: queue the job, or run it now without Redis. A job
    already done (asked again under its key) is not sent again."""
    if tache.etat != "en_attente":
        return
    redis_url = _redis_url()
    if redis_url is None:
        # In the request there is no retry: a failure is on the row and in the log, and the
        # page shows the job as failed.
        with contextlib.suppress(Exception):
            executer(tache.id, derniere_tentative=True)
        return
    _file(redis_url).enqueue(executer_en_file, tache.id, job_id=f"tache-{tache.id}",
                             retry=Retry(max=len(ATTENTES), interval=list(ATTENTES)),
                             job_timeout=DUREE_MAXIMALE_S, failure_ttl=7 * 24 * 3600)


def tache_du_jour(nature: str, jour: date, parametres: dict | None = None) -> Tache:
    """The daily job `nature` of `jour`, created once whoever asks (the schedule, an operator)."""
    return creer(nature, parametres, cle=f"{nature}:{jour.isoformat()}")


def lancer_celle_du_jour(du_jour: Callable[[date], Tache]) -> None:
    """What the schedule runs, in a worker: today's job of `du_jour`, created, committed, sent."""
    tache = du_jour(date.today())
    db.session.commit()
    envoyer(tache)


def executer_en_file(tache_id: int) -> None:
    """What RQ runs: the attempt that exhausts the retries marks the job « échouée »."""
    job = get_current_job()
    restantes = job.retries_left if job is not None and job.retries_left is not None else 0
    try:
        executer(tache_id, derniere_tentative=restantes == 0)
    finally:
        # The worker lives long: each job starts from a fresh session.
        db.session.remove()


def travailler(redis_url: str, *, en_rafale: bool = False) -> None:
    """The worker's loop: resume orphaned jobs, then run queued ones until SIGTERM (the job
    under way finishes first), or until the queue is empty `en_rafale`.

    A SimpleWorker runs each job in this process: forking one child per job, RQ's default,
    would share the database connections of the parent with it.
    """
    reprendre_les_orphelines()
    SimpleWorker([_file(redis_url)], connection=redis.Redis.from_url(redis_url)).work(
        burst=en_rafale, with_scheduler=True)


def executer(tache_id: int, derniere_tentative: bool) -> None:
    """Run one attempt of a job waiting to run, unless another worker took it; re-raise its
    failure (RQ then retries it with backoff)."""
    # Taken atomically: a job sent twice (asked again before it ran) runs once.
    prise = db.session.execute(
        sa.update(Tache).where(Tache.id == tache_id, Tache.etat == "en_attente")
        .values(etat="en_cours", tentatives=Tache.tentatives + 1, vue_le=maintenant())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not prise:
        return
    tache = db.session.get(Tache, tache_id)
    db.session.refresh(tache)
    if tache.commencee_le is None:
        tache.commencee_le = tache.vue_le
        db.session.commit()
    try:
        resultat = TRAVAUX[tache.nature](tache)
    except Exception as erreur:
        db.session.rollback()
        tache = db.session.get(Tache, tache_id)
        tache.erreur = type(erreur).__name__[:200]
        tache.etat = "echouee" if derniere_tentative else "en_attente"
        db.session.commit()
        journal.exception("tâche %s (%s) en échec, tentative %s", tache_id, tache.nature,
                          tache.tentatives)
        raise
    if resultat is not None:
        tache.rapport = json.dumps(resultat, ensure_ascii=False)
    tache.etat = "terminee"
    tache.erreur = ""
    tache.terminee_le = tache.vue_le = maintenant()
    db.session.commit()


def reprendre_les_orphelines() -> list[int]:
    """Queue again the jobs whose worker died mid-run (silent for SILENCE_MAXIMAL); their
    functions skip what they had done."""
    limite = maintenant() - SILENCE_MAXIMAL
    orphelines = list(db.session.scalars(sa.select(Tache).where(
        Tache.etat == "en_cours", Tache.vue_le < limite)))
    for tache in orphelines:
        tache.etat = "en_attente"
    db.session.commit()
    for tache in orphelines:
        envoyer(tache)
    return [tache.id for tache in orphelines]




# The kinds of jobs register themselves with `@travail`.
from portail_famille.travaux import echeances  # noqa: E402, F401
from portail_famille.travaux import expedition  # noqa: E402, F401
from portail_famille.travaux import fixation_des_reservations  # noqa: E402, F401
from portail_famille.travaux import purge  # noqa: E402, F401
from portail_famille.travaux import recherche_differee  # noqa: E402, F401
from portail_famille.travaux import renouvellement_annuel  # noqa: E402, F401
from portail_famille.travaux import suivi_des_paiements  # noqa: E402, F401
