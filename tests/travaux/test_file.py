"""Background jobs: run in the request without Redis, on a real RQ queue over Redis with one,
through the same code; idempotent, retried with backoff, resumed when their worker died."""

from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from rq import Queue

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.models import maintenant

REDIS_DES_TESTS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def essai(monkeypatch):
    """A job kind of the tests: counts its runs, fails its first `echecs` attempts."""
    etat = {"executions": 0, "echecs": 0}

    def essayer(tache):
        etat["executions"] += 1
        if etat["executions"] <= etat["echecs"]:
            raise ConnectionError("panne d’essai")
        travaux.progresser(tache, 1, total=1)
        return {"parametres": travaux.parametres(tache)}

    monkeypatch.setitem(travaux.TRAVAUX, "essai", essayer)
    return etat


def _creer(app, **kwargs) -> int:
    with app.app_context():
        tache = travaux.creer("essai", {"famille": 7}, **kwargs)
        db.session.commit()
        return tache.id


def _lire(app, tache_id: int) -> Tache:
    with app.app_context():
        tache = db.session.get(Tache, tache_id)
        db.session.expunge(tache)
        return tache


def test_sans_redis_la_tache_s_execute_dans_la_requete(app, essai):
    tache_id = _creer(app)
    with app.test_request_context():
        travaux.envoyer(db.session.get(Tache, tache_id))
    tache = _lire(app, tache_id)
    assert (tache.etat, tache.avance, tache.total, tache.tentatives) == ("terminee", 1, 1, 1)
    assert travaux.rapport(tache) == {"parametres": {"famille": 7}}
    assert tache.terminee_le is not None and tache.erreur == ""


def test_une_tache_terminee_ne_se_refait_pas(app, essai):
    tache_id = _creer(app)
    with app.app_context():
        travaux.executer(tache_id, derniere_tentative=True)
        travaux.executer(tache_id, derniere_tentative=True)
    assert essai["executions"] == 1


def test_la_meme_cle_donne_la_meme_tache(app, essai):
    assert _creer(app, cle="essai:2026-12-02") == _creer(app, cle="essai:2026-12-02")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tache)) == 1


def test_sans_redis_un_echec_est_note_sans_casser_la_page(app, essai):
    essai["echecs"] = 1
    tache_id = _creer(app)
    with app.test_request_context():
        travaux.envoyer(db.session.get(Tache, tache_id))
    tache = _lire(app, tache_id)
    assert (tache.etat, tache.erreur) == ("echouee", "ConnectionError")


def test_une_nature_inconnue_est_refusee(app):
    with app.app_context(), pytest.raises(KeyError):
        travaux.creer("inconnue")


def test_une_orpheline_est_reprise(app, essai):
    tache_id = _creer(app)
    with app.app_context():
        tache = db.session.get(Tache, tache_id)
        tache.etat, tache.vue_le = "en_cours", maintenant() - timedelta(minutes=6)
        recente = travaux.creer("essai")
        recente.etat, recente.vue_le = "en_cours", maintenant()
        db.session.commit()
        recente_id = recente.id
    with app.test_request_context():
        assert travaux.reprendre_les_orphelines() == [tache_id]
    assert _lire(app, tache_id).etat == "terminee"
    assert _lire(app, recente_id).etat == "en_cours"  # its worker is alive


@pytest.fixture
def avec_redis(fabrique):
    connexion = redis.Redis.from_url(REDIS_DES_TESTS)
    connexion.flushdb()
    yield fabrique(redis_url=REDIS_DES_TESTS)
    connexion.flushdb()


def _travailler(app) -> None:
    with app.app_context():
        travaux.travailler(REDIS_DES_TESTS, en_rafale=True)


def test_avec_redis_la_tache_passe_par_la_file(avec_redis, essai):
    app = avec_redis
    tache_id = _creer(app)
    with app.test_request_context():
        travaux.envoyer(db.session.get(Tache, tache_id))
    assert _lire(app, tache_id).etat == "en_attente"  # queued, not run by the request
    assert Queue(travaux.FILE, connection=redis.Redis.from_url(REDIS_DES_TESTS)).count == 1
    _travailler(app)
    assert _lire(app, tache_id).etat == "terminee"


@pytest.mark.parametrize(("attentes", "echecs", "attendu"), [
    ((0, 0, 0), 2, ("terminee", 3, "")),  # retried with backoff, then done
    ((0, 0), 10, ("echouee", 3, "ConnectionError")),  # the attempts spent
])
def test_avec_redis_un_echec_est_retente(avec_redis, essai, monkeypatch, attentes, echecs,
                                         attendu):
    monkeypatch.setattr(travaux, "ATTENTES", attentes)  # the backoff, without waiting
    essai["echecs"] = echecs
    app = avec_redis
    tache_id = _creer(app)
    with app.test_request_context():
        travaux.envoyer(db.session.get(Tache, tache_id))
    _travailler(app)
    tache = _lire(app, tache_id)
    assert (tache.etat, tache.tentatives, tache.erreur) == attendu
    assert essai["executions"] == 3


def test_le_travailleur_exige_redis(app):
    resultat = app.test_cli_runner().invoke(args=["travaux", "executer", "--rafale"])
    assert resultat.exit_code == 2
    assert "REDIS_URL n’est pas défini" in resultat.output
