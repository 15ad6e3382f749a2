"""Retention (securite.md G1): what has outlived its duration is deleted, and the purge says
what it did in the journal. The durations come from the settings (README, « Conservation »).

- a reviewed document: deleted a set time after its review (a school year by default); the QF
  record it proved keeps its provenance;
- the QF records of a closed household: one where no adult has signed in, and no enrolment has
  changed, for a set time (the household itself stays while billing may need it);
- server sessions past every role's timeout, old sign-in locks, finished jobs, and audit rows
  past their legal time.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import SessionServeur
from portail_famille.models import Tache
from portail_famille.models import VerrouConnexion
from portail_famille.services import audit

# A lock that has not moved for a day holds no failure worth counting any more.
VERROUS = timedelta(days=1)


@dataclass(frozen=True)
class Durees:
    """How long each category is kept."""

    justificatifs: timedelta
    foyers_inactifs: timedelta
    journal: timedelta
    taches: timedelta
    # The longest idle and absolute session timeouts of any role: past both, no session opens.
    sessions_inactives: timedelta
    sessions_anciennes: timedelta


def foyers_clos(limite: datetime) -> sa.Select:
    """The households created before `limite` with no sign-in and no enrolment change since."""
    actifs_par_connexion = sa.select(Compte.famille_id).where(
        Compte.famille_id.is_not(None), Compte.connecte_le >= limite)
    actifs_par_inscription = (sa.select(Enfant.famille_id)
                              .join(Inscription, Inscription.enfant_id == Enfant.id)
                              .where(Inscription.modifie_le >= limite))
    return sa.select(Famille.id).where(Famille.cree_le < limite,
                                       Famille.id.not_in(actifs_par_connexion),
                                       Famille.id.not_in(actifs_par_inscription))


def supprimer(modele, *conditions) -> int:
    """Delete the rows of `modele` that meet `conditions` in one statement; how many."""
    return db.session.execute(sa.delete(modele).where(*conditions)
                              .execution_options(synchronize_session=False)).rowcount


def purger(durees: Durees, maintenant: datetime) -> dict[str, int]:
    """Delete what has outlived its duration; the count of each category, also journaled."""
    decompte = {
        "justificatifs": supprimer(Justificatif, Justificatif.traite_le.is_not(None),
                                    Justificatif.traite_le < maintenant - durees.justificatifs),
        "quotients": supprimer(QuotientFamilial, QuotientFamilial.famille_id.in_(
            foyers_clos(maintenant - durees.foyers_inactifs))),
        "sessions": supprimer(SessionServeur, sa.or_(
            SessionServeur.vu_le < maintenant - durees.sessions_inactives,
            SessionServeur.cree_le < maintenant - durees.sessions_anciennes)),
        "verrous": supprimer(VerrouConnexion, VerrouConnexion.modifie_le < maintenant - VERROUS,
                              sa.or_(VerrouConnexion.bloque_jusqu_a.is_(None),
                                     VerrouConnexion.bloque_jusqu_a < maintenant)),
        "taches": supprimer(Tache, Tache.etat.in_(("terminee", "echouee")),
                             Tache.cree_le < maintenant - durees.taches),
        "journal": supprimer(Evenement, Evenement.quand < maintenant - durees.journal),
    }
    audit.consigner("purge", detail=" ".join(f"{cle}={n}" for cle, n in decompte.items()))
    return decompte
