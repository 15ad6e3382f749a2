"""Sending the outbox (`services.courriels`): through SMTP_URL, or, in the sandbox without it,
into the sandbox's mailbox page. Each email is sent once: a job run twice finds it sent."""

from flask import current_app

from portail_famille.connecteurs import courrier
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import courriels
from portail_famille.travaux import creer
from portail_famille.travaux import envoyer
from portail_famille.travaux import progresser
from portail_famille.travaux import travail

NATURE = "courriels"
PAR_LOT = 100


def serveur(config) -> courrier.ServeurSMTP | None:
    """The SMTP server of the settings; None in the sandbox without one (nothing leaves)."""
    if not config.smtp_url:
        return None
    return courrier.ServeurSMTP(config.smtp_url, config.courriel_expediteur,
                                config.courriel_nom)


def envoyer_les_courriels() -> None:
    """After the commit that queued emails: have them sent (now, without Redis)."""
    tache = creer(NATURE)
    db.session.commit()
    envoyer(tache)


@travail(NATURE)
def expedier(tache: Tache) -> dict:
    smtp = serveur(current_app.extensions["portail"])
    envoyes = echecs = 0
    while lot := courriels.a_envoyer(PAR_LOT):
        for courriel in lot:
            erreur = None
            if smtp is not None:
                try:
                    smtp.envoyer(courriel.destinataire, courriel.sujet, courriel.texte,
                                 courriel.html)
                except courrier.EnvoiImpossible as refus:
                    erreur = refus.code
            courriels.noter_envoi(courriel, erreur)
            # Committed one by one: a message that left is never sent again.
            db.session.commit()
            envoyes, echecs = envoyes + (erreur is None), echecs + (erreur is not None)
        progresser(tache, envoyes + echecs)
        if echecs and len(lot) == echecs:
            break  # the server refuses everything now: the next run will try again
    return {"envoyes": envoyes, "echecs": echecs}
