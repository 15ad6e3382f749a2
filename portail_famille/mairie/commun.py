"""What the agents' pages share: the one shape of a decision on a worklist item, and its 409
page when another agent decided first or the family changed its request (securite.md R1)."""

from collections.abc import Callable

from flask import flash
from flask import redirect
from flask import url_for
from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.services import decisions
from portail_famille.services import foyers
from portail_famille.travaux.expedition import envoyer_les_courriels
from portail_famille.web import pages_erreur

# An id in a URL: beyond an INTEGER column's range it is a 404 before any query.
IDENTIFIANT = "int(max=2147483647)"
DEJA_DECIDE = ("Un autre agent a déjà traité cette demande entre-temps, ou la famille l’a "
               "modifiée. Rien n’a été enregistré de votre côté : revenez à l’accueil, où les "
               "listes de travail sont à jour.")


def deja_decide():
    """The 409 page: nothing of this decision was written."""
    return pages_erreur.conflit(DEJA_DECIDE)


@bp.errorhandler(StaleDataError)
def decision_concurrente(erreur):
    return deja_decide()


def decider(*, en_attente: bool, form, page_en_erreur: Callable, decision: Callable,
            message: str, retour: str, annonce: Callable | None = None):
    """Decide a worklist item: 409 if it is decided already, the page again (422) when the form
    is wrong, else the decision, the family's email queued in the same transaction (`annonce`),
    one commit, the email sent after it, and back to the list."""
    if not en_attente:
        return deja_decide()
    if not form.validate_on_submit():
        return page_en_erreur()
    try:
        decision()
    except (decisions.DejaDecide, foyers.ConflitDeVersion):
        return deja_decide()
    if annonce is not None:
        annonce()
    db.session.commit()
    if annonce is not None:
        envoyer_les_courriels()
    flash(message, "succes")
    return redirect(url_for(retour), 303)
