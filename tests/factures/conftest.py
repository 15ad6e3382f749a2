"""Fixtures of the monthly invoices: the portal's calendrier.yaml and tarifs.yaml, the clock on
Tuesday 1 December 2026 at 9:00 in Paris, November 2026 to invoice; households whose bookings
and marks are written directly (the booking rules have their own tests)."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import Reservation
from portail_famille.web import contexte
from tests import aides
from tests.aides import creer_personnel
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import QuotientCAF
from tests.fabriques import creer_foyer

MAINTENANT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOVEMBRE = date(2026, 11, 1)
RENTREE = date(2026, 9, 1)
ANNEE = "Année scolaire 2026-2027"
ECOLE = "École Jean-Macé"


horloge = aides.horloge_a(MAINTENANT)
app = aides.app_a_l_heure


DANS_LA_COMMUNE = {"adresse_voie": "2 rue de la République", "code_postal": "69002",
                   "commune_residence": "Lyon"}
HORS_COMMUNE = {"adresse_voie": "1 rue de la Gare", "code_postal": "38000",
                "commune_residence": "Grenoble"}


def foyer(app, enfants=(("Léa", date(2018, 3, 4)),), service="restauration_scolaire",
          qf: int | None = 700, reside=True, nom="MARTIN"):
    """A household whose children are enrolled in `service` since the rentrée, with a CAF QF
    retrieved in September (None: none), living in Lyon or not (the grid decides residence
    from the postcode)."""
    return creer_foyer(app, nom=nom, reside=reside,
                       adresse=DANS_LA_COMMUNE if reside else HORS_COMMUNE, enfants=tuple(
        EnfantPrevu(prenoms, naissance, nom=nom, ecole=ECOLE, inscriptions=(
            InscriptionPrevue(service, RENTREE, ANNEE, "lundi,mardi,jeudi,vendredi",
                              statut="validee"),)) for prenoms, naissance in enfants),
        quotients=() if qf is None else (QuotientCAF(qf, datetime(2026, 9, 2, tzinfo=UTC)),))


def reserver(app, inscription_id: int, jours) -> None:
    with app.app_context():
        db.session.add_all(Reservation(inscription_id=inscription_id, jour=jour,
                                       statut="reservee", origine="inscription")
                           for jour in jours)
        db.session.commit()


def pointer(app, enfant_id: int, marques: dict, service="restauration_scolaire") -> None:
    with app.app_context():
        for jour, etat in marques.items():
            liste = db.session.query(ListePointage).filter_by(
                ecole=ECOLE, service=service, jour=jour).first()
            if liste is None:
                liste = ListePointage(ecole=ECOLE, service=service, jour=jour)
                db.session.add(liste)
                db.session.flush()
            db.session.add(Pointage(liste_id=liste.id, enfant_id=enfant_id, etat=etat))
        db.session.commit()


def jours_de_classe(app, mois=NOVEMBRE, jours=("lundi", "mardi", "jeudi", "vendredi")):
    with app.test_request_context():
        return contexte.calendrier().jours_de_classe(mois.year, mois.month, jours)


@pytest.fixture
def agent_id(app):
    return creer_personnel(app, "agent")


def agent(agent_id) -> Compte:
    return db.session.get(Compte, agent_id)
