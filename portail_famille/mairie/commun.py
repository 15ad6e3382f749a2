"""What the back office pages share: the household of the URL, whether the agent gave a reason
to open its file in this session (securite.md A5), the wording of the sans_quotient price, and
the one shape of a decision on a worklist item, with its 409 page when another agent decided
first or the family changed its request (securite.md R1)."""

from collections.abc import Callable
from datetime import date

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.models import Famille
from portail_famille.services import decisions
from portail_famille.services import dossiers
from portail_famille.services import foyers
from portail_famille.services import tarifs_famille
from portail_famille.travaux.expedition import envoyer_les_courriels
from portail_famille.web import contexte
from portail_famille.web import pages_erreur

# An id in a URL: beyond an INTEGER column's range it is a 404 before any query.
IDENTIFIANT = "int(max=2147483647)"
# The files opened in this session, with the reason given: {"42": "guichet"}.
OUVERTS = "dossiers_ouverts"


def famille_ou_404(famille_id: int) -> Famille:
    try:
        return dossiers.trouver(famille_id)
    except foyers.Introuvable:
        abort(404)


def motif_donne(famille_id: int) -> str | None:
    """The reason the agent gave to open this file in this session, if any."""
    return session.get(OUVERTS, {}).get(str(famille_id))


def dossier_ouvert_ou_motif(famille_id: int):
    """The household, and None once the agent gave a reason to open its file in this session;
    else the redirect to the file, which asks it (A5: nothing is shown before), then comes
    back to the page the agent asked for (a form sent without it cannot be replayed: the
    file then)."""
    famille = famille_ou_404(famille_id)
    if motif_donne(famille_id) is None:
        suite = request.full_path.rstrip("?") if request.method == "GET" else None
        return famille, redirect(url_for("mairie.fiche", famille_id=famille_id, suite=suite))
    return famille, None


def retenir_motif(famille_id: int, motif: str) -> None:
    # A new dict: the session notices an assignment, not a change inside its values.
    session[OUVERTS] = {**session.get(OUVERTS, {}), str(famille_id): motif}


@bp.context_processor
def regle_sans_quotient():
    # « Pourquoi ce tarif ? » words the sans_quotient price as the family's pages do.
    return {"sans_quotient_le_plus_eleve": tarifs_famille.sans_quotient_le_plus_eleve(
        contexte.grille(), date.today())}


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
