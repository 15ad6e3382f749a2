"""Each morning: the families whose QF reaches its end within 30 days, while it prices an
enrolment, are told once by email (issue 12)."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import current_app

from portail_famille import travaux
from portail_famille.domaine import calendrier
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import listes_de_travail
from portail_famille.services import quotients
from portail_famille.travaux import progresser
from portail_famille.travaux import travail
from portail_famille.travaux.expedition import envoyer_les_courriels
from portail_famille.web import redaction

NATURE = "quotients_a_echeance"
# The same notice as the agents' « QF expiring » list.
PREAVIS = listes_de_travail.PREAVIS


def tache_du_jour(jour: date) -> Tache:
    return travaux.tache_du_jour(NATURE, jour, {"jour": jour.isoformat()})


def lancer_celle_du_jour() -> None:
    """What the schedule runs each morning, in a worker."""
    travaux.lancer_celle_du_jour(tache_du_jour)


@travail(NATURE)
def prevenir(tache: Tache) -> dict:
    grille = current_app.extensions["grille"].obtenir().grille
    aujourd_hui = date.today()
    maintenant = datetime.now(UTC)
    debuts = [p.debut for p in calendrier.periodes_ouvertes(grille, aujourd_hui)]
    familles = quotients.familles_inscrites(debuts)
    prevenues = 0
    for rang, famille in enumerate(familles, 1):
        etat = quotients.etat_quotient(famille, grille.sources, grille.validite_mois, maintenant)
        if etat.qf is not None and etat.expire_le - aujourd_hui <= PREAVIS:
            # One email per QF and end date: the next mornings find its key taken.
            prevenues += bool(redaction.annoncer(
                "qf_expire", f"qf_expire:{famille.id}:{etat.expire_le}", famille.id,
                expire_le=etat.expire_le))
        if rang % 200 == 0:
            progresser(tache, rang, total=len(familles))
    db.session.commit()
    envoyer_les_courriels()
    return {"familles": len(familles), "prevenues": prevenues}
