"""Fixtures of bookings and attendance: the portal's own calendrier.yaml and tarifs.yaml, the
clock stopped on Monday 16 November 2026 at 9:00 in Paris, a household with one child booked
for the canteen on Mondays and Thursdays."""

from datetime import UTC
from datetime import date
from datetime import datetime

from tests import aides
from tests.fabriques import EnfantPrevu
from tests.fabriques import InscriptionPrevue
from tests.fabriques import creer_foyer

MAINTENANT = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # 9:00 in Paris
RENTREE = date(2026, 9, 1)
ANNEE = "Année scolaire 2026-2027"


horloge = aides.horloge_a(MAINTENANT)
app = aides.app_a_l_heure


def inscrire(app, prenoms="Léa", service="restauration_scolaire", jours="lundi,jeudi",
             ecole="École Jean-Macé", statut="validee", nom="MARTIN"):
    """A household with one child enrolled since the rentrée: the Foyer's ids."""
    return creer_foyer(app, enfants=(EnfantPrevu(prenoms, date(2018, 3, 4), nom=nom, ecole=ecole,
                                                 inscriptions=(InscriptionPrevue(
                                                     service, RENTREE, ANNEE, jours,
                                                     statut=statut),)),))
