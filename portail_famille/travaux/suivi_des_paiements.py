"""Every five minutes: PayFiP is asked how each payment still en attente ended (payfip.md:
« poll pending operations from a job until they end »), so that a lost or late notification
never leaves an invoice unpaid in the portal, and every fate is known before PayFiP's nightly
purge forgets the idOp."""

from datetime import datetime

from flask import current_app

from portail_famille import travaux
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.models import maintenant
from portail_famille.services import paiements
from portail_famille.travaux import progresser
from portail_famille.travaux import travail

NATURE = "suivi_des_paiements"
INTERVALLE_MINUTES = 5


def tache_du_moment(instant: datetime) -> Tache:
    """The poll of the five minutes that hold `instant`: one, whoever asks for it."""
    debut = instant.replace(minute=instant.minute - instant.minute % INTERVALLE_MINUTES,
                            second=0, microsecond=0)
    return travaux.creer(NATURE, cle=f"{NATURE}:{debut.isoformat(timespec='minutes')}")


def lancer() -> None:
    """What the schedule runs every five minutes, in a worker."""
    tache = tache_du_moment(maintenant())
    db.session.commit()
    travaux.envoyer(tache)


@travail(NATURE)
def suivre(tache: Tache) -> dict:
    client = current_app.extensions["payfip"]
    operations = paiements.en_attente()
    etats = dict.fromkeys(("payee", "refusee", "annulee", "en_attente"), 0)
    for rang, operation in enumerate(operations, 1):
        paiements.verifier(client, operation)
        etats[operation.etat] += 1
        # Each fate is committed as soon as known: a worker that dies keeps what it learnt.
        progresser(tache, rang, total=len(operations))
    db.session.commit()
    return etats
