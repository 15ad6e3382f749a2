"""What the agents' pages share: the 409 page of an item another agent decided first, and the
same page when a family changed its request meanwhile (securite.md R1)."""

from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.web.pages_erreur import page_erreur

# An id in a URL: beyond an INTEGER column's range it is a 404 before any query.
IDENTIFIANT = "int(max=2147483647)"
DEJA_DECIDE = ("Un autre agent a déjà traité cette demande entre-temps, ou la famille l’a "
               "modifiée. Rien n’a été enregistré de votre côté : revenez à l’accueil, où les "
               "listes de travail sont à jour.")


def deja_decide():
    """The 409 page: nothing of this decision was written."""
    db.session.rollback()
    return page_erreur(409, DEJA_DECIDE)


@bp.errorhandler(StaleDataError)
def decision_concurrente(erreur):
    return deja_decide()
