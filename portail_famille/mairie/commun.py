"""What the back office pages share: the household of the URL, whether the agent gave a reason
to open its file in this session (securite.md A5), and the wording of the sans_quotient price."""

from datetime import date

from flask import abort
from flask import redirect
from flask import session
from flask import url_for

from portail_famille.mairie import bp
from portail_famille.models import Famille
from portail_famille.services import dossiers
from portail_famille.services import foyers
from portail_famille.services import tarifs_famille
from portail_famille.web import contexte

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
    else the redirect to the file, which asks it (A5: nothing is shown before)."""
    famille = famille_ou_404(famille_id)
    if motif_donne(famille_id) is None:
        return famille, redirect(url_for("mairie.fiche", famille_id=famille_id))
    return famille, None


def retenir_motif(famille_id: int, motif: str) -> None:
    # A new dict: the session notices an assignment, not a change inside its values.
    session[OUVERTS] = {**session.get(OUVERTS, {}), str(famille_id): motif}


@bp.context_processor
def regle_sans_quotient():
    # « Pourquoi ce tarif ? » words the sans_quotient price as the family's pages do.
    return {"sans_quotient_le_plus_eleve": tarifs_famille.sans_quotient_le_plus_eleve(
        contexte.grille(), date.today())}
