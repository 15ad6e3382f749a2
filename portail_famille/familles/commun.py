"""What the family pages share: the QF in force, the 409 page of a form loaded before someone
else's change (securite.md R1), and the wording of the sans_quotient price."""

from datetime import UTC
from datetime import date
from datetime import datetime

import limits
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import limiter
from portail_famille.familles import bp
from portail_famille.services import quotients
from portail_famille.services import tarifs_famille
from portail_famille.travaux import recherche_differee
from portail_famille.web import contexte
from portail_famille.web import pages_erreur

# An id in a URL: beyond an INTEGER column's range it is a 404 before any query (PostgreSQL
# would refuse the query itself).
IDENTIFIANT = "int(max=2147483647)"
MESSAGE_CONFLIT = ("Ces informations ont été modifiées entre-temps, par un autre adulte du foyer "
                   "ou par la mairie. Rien n’a été enregistré : rouvrez la page pour voir leur "
                   "version actuelle, puis recommencez.")


# Lookups that reach an outside API and documents stored, per account (securite.md I6,
# impot-particulier §6). A form the portal refused itself is not one of them.
RECHERCHES = limits.parse("10 per hour")


def _cle_des_recherches() -> tuple[str, str]:
    return ("recherches-de-revenus", f"compte:{current_user.get_id()}")


def recherche_permise_a_partir_de() -> datetime | None:
    """When the signed-in family may look up its income again, or None if it may now."""
    if not limiter.enabled or limiter.limiter.test(RECHERCHES, *_cle_des_recherches()):
        return None
    fin, _ = limiter.limiter.get_window_stats(RECHERCHES, *_cle_des_recherches())
    return datetime.fromtimestamp(fin, UTC)


def compter_recherche() -> None:
    """One more lookup that reached an API, or one more document stored."""
    if limiter.enabled:
        limiter.limiter.hit(RECHERCHES, *_cle_des_recherches())


def etat_courant() -> quotients.EtatQuotient:
    """The QF that prices the signed-in family's services now, or why there is none."""
    grille = contexte.grille()
    return quotients.etat_quotient(current_user.famille, grille.sources, grille.validite_mois,
                                   datetime.now(UTC))


def recuperation_en_cours() -> bool:
    """Whether the household's QF is being fetched in the background (the rush, issue 12)."""
    return recherche_differee.en_attente(current_user.famille_id) is not None


def conflit():
    """The 409 page: the form was loaded before another change; nothing was written."""
    return pages_erreur.conflit(MESSAGE_CONFLIT)


@bp.errorhandler(StaleDataError)
def modification_concurrente(erreur):
    return conflit()


@bp.context_processor
def regle_sans_quotient():
    # Every page that says which price applies without a QF words it from the grid in force.
    return {"sans_quotient_le_plus_eleve": tarifs_famille.sans_quotient_le_plus_eleve(
        contexte.grille(), date.today())}
