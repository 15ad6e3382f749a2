"""The families' account deletion requests (GDPR): what processing one removes and what the law
requires keeping, then processing it or declining it with a reason the family reads."""

from flask import abort
from flask import render_template
from flask_login import current_user

from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import decider
from portail_famille.mairie.forms import EffacementForm
from portail_famille.mairie.forms import RefusSuppressionForm
from portail_famille.services import effacement
from portail_famille.services import listes_de_travail


def _demande_ou_404(demande_id: int):
    demande = effacement.trouver(demande_id)
    if demande is None:
        abort(404)
    return demande


def _page(demande, confirmation=None, refus=None, statut: int = 200):
    return render_template(
        "mairie/suppression.html", demande=demande,
        foyer=listes_de_travail.noms_des_foyers([demande.famille_id]).get(demande.famille_id),
        apercu=effacement.apercevoir(demande.famille_id),
        confirmation=confirmation or EffacementForm(formdata=None, prefix="effacer"),
        refus=refus or RefusSuppressionForm(formdata=None, prefix="refuser")), statut


@bp.get("/suppressions")
def suppressions_demandees():
    demandes = listes_de_travail.demandes_de_suppression()
    return render_template(
        "mairie/suppressions.html", demandes=demandes,
        foyers=listes_de_travail.noms_des_foyers(d.famille_id for d in demandes))


@bp.get(f"/suppressions/<{IDENTIFIANT}:demande_id>")
def suppression(demande_id: int):
    return _page(_demande_ou_404(demande_id))


@bp.post(f"/suppressions/<{IDENTIFIANT}:demande_id>/effectuer")
def suppression_effectuer(demande_id: int):
    demande = _demande_ou_404(demande_id)
    confirmation = EffacementForm(prefix="effacer")
    return decider(
        en_attente=demande.statut == "a_traiter", form=confirmation,
        page_en_erreur=lambda: _page(demande, confirmation=confirmation, statut=422),
        decision=lambda: effacement.effacer(demande, current_user),
        message="Les données du foyer sont supprimées, sauf ce que la loi impose de conserver. "
                "Plus personne ne peut se connecter à ce foyer.",
        retour="mairie.suppressions_demandees")


@bp.post(f"/suppressions/<{IDENTIFIANT}:demande_id>/refuser")
def suppression_refuser(demande_id: int):
    demande = _demande_ou_404(demande_id)
    refus = RefusSuppressionForm(prefix="refuser")
    return decider(
        en_attente=demande.statut == "a_traiter", form=refus,
        page_en_erreur=lambda: _page(demande, refus=refus, statut=422),
        decision=lambda: effacement.decliner(demande, current_user, refus.motif.data),
        message="La demande de suppression est refusée ; la famille voit le motif sur sa page "
                "« Mes données ».",
        retour="mairie.suppressions_demandees")
