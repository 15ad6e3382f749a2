"""The outbox: emails decided by a request or a job, sent later by the `courriels` job.

An email is written once per piece of news (its key), to every adult of the household who
signed in with an address; a household without one simply gets none.
"""

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Courriel
from portail_famille.models import maintenant

# After this many failed attempts, an email stays in the outbox, unsent, for an admin to see.
TENTATIVES_MAXIMALES = 5


def destinataires(famille_id: int) -> list[str]:
    """The addresses of the household's adults who signed in, each once."""
    adresses = db.session.scalars(sa.select(Compte.email).where(
        Compte.famille_id == famille_id, Compte.role == "famille", Compte.actif,
        Compte.email != "").order_by(Compte.id))
    return list(dict.fromkeys(adresse.strip().lower() for adresse in adresses))


def preparer(nature: str, cle: str, famille_id: int | None, destinataire: str, sujet: str,
             texte: str, html: str) -> Courriel | None:
    """Queue one email, unless one under `cle` is queued or sent already (flushed)."""
    if db.session.scalar(sa.select(Courriel.id).where(Courriel.cle == cle)) is not None:
        return None
    courriel = Courriel(nature=nature, cle=cle, famille_id=famille_id, destinataire=destinataire,
                        sujet=sujet, texte=texte, html=html)
    db.session.add(courriel)
    db.session.flush()
    return courriel


def a_envoyer(limite: int) -> list[Courriel]:
    """The oldest emails not sent yet that may still be tried."""
    return list(db.session.scalars(sa.select(Courriel).where(
        Courriel.envoye_le.is_(None), Courriel.tentatives < TENTATIVES_MAXIMALES)
        .order_by(Courriel.id).limit(limite)))


def noter_envoi(courriel: Courriel, erreur: str | None) -> None:
    """Record one attempt: sent, or the code of its failure."""
    courriel.tentatives += 1
    if erreur is None:
        courriel.envoye_le = maintenant()
        courriel.erreur = ""
    else:
        courriel.erreur = erreur[:200]


def boite_d_envoi(limite: int = 200) -> list[Courriel]:
    """The latest emails, sent or not (the sandbox shows them)."""
    return list(db.session.scalars(sa.select(Courriel).order_by(Courriel.id.desc())
                                   .limit(limite)))
