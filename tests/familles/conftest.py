"""Fixtures of the family area: a signed-in adult, and a tariff grid whose periods follow
today's date; households, children and QF records come from tests.fabriques."""

from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portail_famille.domaine import scolarite
from portail_famille.extensions import db
from portail_famille.models import Inscription
from portail_famille.services import inscriptions
from tests.fabriques import creer_famille
from tests.fabriques import famille_de
from tests.grilles import grille
from tests.grilles import lineaire
from tests.grilles import periode
from tests.grilles import service
from tests.grilles import taux_effort
from tests.grilles import tranches

AUJOURD_HUI = date.today()
# An enrolment starts on a school day: today, or the next one when today is not.
JOUR_DE_CLASSE = scolarite.prochain_jour_de_classe(
    AUJOURD_HUI, inscriptions.feries(AUJOURD_HUI.year) | inscriptions.feries(AUJOURD_HUI.year + 1))
# The period in force started two months ago; the next one is already in the file.
DEBUT = AUJOURD_HUI - timedelta(days=60)
FIN = AUJOURD_HUI + timedelta(days=200)
DEBUT_SUIVANTE = FIN + timedelta(days=1)
FIN_SUIVANTE = DEBUT_SUIVANTE + timedelta(days=364)

GRILLE = grille(
    periode("Année en cours", DEBUT, FIN, [
        service("cantine", "Cantine", "repas",
                tranches(("500", "0.95"), ("1000", "2.40"), ("1500", "3.62"), (None, "5.10")),
                sans_quotient="5.80", hors_commune="6.75"),
        service("garderie", "Garderie du soir", "soir", taux_effort("0.25", "0.60", "3.40"),
                hors_commune="{majoration_pourcent: 25}"),
        service("ateliers", "Ateliers", "après-midi", lineaire(("0", "1.20"), ("2000", "6.60"))),
    ], deliberation="n° 2026/042 du 2 juillet 2026",
        fratrie=(("cantine", "ateliers"), {2: 10, 3: 40})),
    periode("Année suivante", DEBUT_SUIVANTE, FIN_SUIVANTE, [
        service("cantine", "Cantine", "repas",
                tranches(("600", "1.00"), ("1300", "2.95"), (None, "5.40"))),
        service("garderie", "Garderie du soir", "soir", taux_effort("0.27", "0.70", "3.60"),
                hors_commune="{majoration_pourcent: 20}"),
    ], fratrie=(("cantine",), {3: 50})),
    commune="Villeneuve-sur-Test", code_insee="35238",
)


@pytest.fixture(scope="module")
def fichier_grille(tmp_path_factory):
    chemin = tmp_path_factory.mktemp("grille") / "grille-test.yaml"
    chemin.write_text(GRILLE, encoding="utf-8")
    return chemin


@pytest.fixture
def app(fabrique_du_module, fichier_grille):
    partagee = fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                                  tarifs_fichier=fichier_grille)
    with partagee.pour_un_test() as app:
        yield app


def connecter(client, compte_id: int) -> None:
    """Open a family session the way the sign-in callback does."""
    with client.session_transaction() as session:
        session["_user_id"] = str(compte_id)
        session["_fresh"] = True
        session["role"] = "famille"


def adresse_de_la_derniere_inscription(app) -> str:
    """The page of the newest enrolment (ids are not reset between tests on PostgreSQL)."""
    with app.app_context():
        return f"/espace-famille/inscriptions/{db.session.scalar(sa.func.max(Inscription.id))}"


@pytest.fixture
def famille(app, client):
    """A signed-in family living in the commune: (account id, household id)."""
    compte_id = creer_famille(app)
    connecter(client, compte_id)
    return compte_id, famille_de(app, compte_id)
