"""The registration-day rush (issue 12): when the per-IP budget of FranceConnect-mode calls is
spent, sign-in still completes at once, no FranceConnect-mode call goes out, and the QF comes
from a queued identity-mode lookup that the family sees under way, then done."""

from datetime import date
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import QuotientFamilial
from portail_famille.models import Tache
from portail_famille.services import clients_api
from tests.grilles import grille
from tests.grilles import periode
from tests.grilles import service
from tests.grilles import tranches
from tests.revenus.test_parcours_alternatifs import connecter
from tests.revenus.test_parcours_alternatifs import url

REDIS_DES_TESTS = "redis://127.0.0.1:6379/12"
AUJOURD_HUI = date.today()


@pytest.fixture
def budget_epuise(monkeypatch):
    # A budget of no call: every FranceConnect-mode call is refused before it leaves.
    monkeypatch.setattr(clients_api, "BUDGETS_FRANCE_CONNECT", ((0, 60.0),))


@pytest.fixture
def grille_caf(tmp_path):
    chemin = tmp_path / "grille-caf.yaml"
    chemin.write_text(grille(
        periode("Année", AUJOURD_HUI - timedelta(days=30), AUJOURD_HUI + timedelta(days=300), [
            service("cantine", "Cantine", "repas", tranches(("800", "1.00"), (None, "4.00")))]),
        commune="Lyon", code_insee="69123", sources=("caf",)), encoding="utf-8")
    return chemin


def quotients(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(q.mode, str(q.valeur)) for q in db.session.scalars(sa.select(QuotientFamilial))]


def taches(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(t.nature, t.etat, t.rapport) for t in db.session.scalars(sa.select(Tache))]


def test_sans_redis_la_recherche_par_identite_suit_la_connexion(serveur, grille_caf,
                                                                budget_epuise):
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf)
    navigateur = connecter(app, "angela", donnees="1")
    # No FranceConnect-mode record: the QF came by identity, in the same request (no queue).
    assert [mode for mode, _ in quotients(app)] == ["identite"]
    [(nature, etat, rapport)] = taches(app)
    assert (nature, etat) == ("recuperation_identite", "terminee") and "trouve" in rapport
    accueil = navigateur.get(url(app, "/espace-famille/"))
    assert "en cours de récupération" not in accueil.text
    assert "n’a pas pu être obtenu" not in accueil.text


@pytest.fixture
def avec_redis():
    connexion = redis.Redis.from_url(REDIS_DES_TESTS)
    connexion.flushdb()
    yield REDIS_DES_TESTS
    connexion.flushdb()


def test_avec_redis_la_famille_voit_la_recherche_puis_son_quotient(serveur, grille_caf,
                                                                   budget_epuise, avec_redis):
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf, redis_url=avec_redis)
    navigateur = connecter(app, "angela", donnees="1")
    assert quotients(app) == []
    accueil = navigateur.get(url(app, "/espace-famille/"))
    assert "Votre quotient familial est en cours de récupération" in accueil.text
    assert 'data-suivi="/espace-famille/quotient/recuperation"' in accueil.text
    assert "n’a pas pu être obtenu" not in accueil.text  # deferred is no failure
    etat = navigateur.get(url(app, "/espace-famille/quotient/recuperation")).json()
    assert etat == {"en_cours": True, "termine": False}

    # A worker of the queue, at the API's pace.
    with app.app_context():
        travaux.travailler(avec_redis, en_rafale=True)
    assert [mode for mode, _ in quotients(app)] == ["identite"]
    etat = navigateur.get(url(app, "/espace-famille/quotient/recuperation")).json()
    assert etat == {"en_cours": False, "termine": True}
    accueil = navigateur.get(url(app, "/espace-famille/"))
    assert "en cours de récupération" not in accueil.text
    assert "transmis par la CAF" in accueil.text


def test_deux_connexions_le_meme_jour_une_seule_recherche(serveur, grille_caf, budget_epuise,
                                                          avec_redis):
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf, redis_url=avec_redis)
    connecter(app, "angela", donnees="1")
    connecter(app, "angela", donnees="1")
    assert len(taches(app)) == 1


def test_budget_disponible_pas_de_recherche_differee(serveur, grille_caf):
    app = serveur(RATELIMIT_ENABLED=False, tarifs_fichier=grille_caf)
    connecter(app, "angela", donnees="1")
    assert [mode for mode, _ in quotients(app)] == ["france_connect"]
    assert taches(app) == []
