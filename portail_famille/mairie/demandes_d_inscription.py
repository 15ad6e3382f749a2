"""The enrolments families asked for: validate them, or refuse them with a reason the family
reads on its « Inscriptions » page and in an email."""

from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user

from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import decider
from portail_famille.mairie.commun import deja_decide
from portail_famille.mairie.forms import RefusInscriptionForm
from portail_famille.mairie.forms import ValidationInscriptionForm
from portail_famille.services import inscriptions
from portail_famille.services import listes_de_travail
from portail_famille.web import contexte
from portail_famille.web import redaction


def _inscription_ou_404(inscription_id: int):
    inscrite = inscriptions.trouver_demandee(inscription_id)
    if inscrite is None:
        abort(404)
    return inscrite


def _libelle(inscrite) -> str:
    return inscriptions.libelles_des_services(contexte.grille()).get(
        (inscrite.periode_debut, inscrite.service), inscrite.service)


def _annoncer(inscrite, nature: str) -> None:
    """The family's email, queued in the decision's transaction (sent after the commit)."""
    redaction.annoncer(
        nature, f"{nature}:{inscrite.id}:{inscrite.version}", inscrite.enfant.famille_id,
        enfant=inscrite.enfant.prenoms, service=_libelle(inscrite),
        periode=inscrite.periode_libelle, jours=inscriptions.les_jours(tuple(inscrite.liste_jours)),
        date_debut=inscrite.date_debut, motif=inscrite.motif)


@bp.get("/inscriptions")
def inscriptions_demandees():
    demandees = inscriptions.demandees()
    return render_template(
        "mairie/inscriptions.html", inscriptions=demandees,
        libelles=inscriptions.libelles_des_services(contexte.grille()),
        foyers=listes_de_travail.noms_des_foyers(i.enfant.famille_id for i in demandees),
        form=ValidationInscriptionForm(formdata=None))


@bp.post(f"/inscriptions/<{IDENTIFIANT}:inscription_id>/valider")
def inscription_valider(inscription_id: int):
    inscrite = _inscription_ou_404(inscription_id)
    form = ValidationInscriptionForm()
    return decider(
        en_attente=inscrite.statut == "demandee", form=form, page_en_erreur=deja_decide,
        decision=lambda: inscriptions.valider(inscrite, form.version.data, current_user),
        annonce=lambda: _annoncer(inscrite, "inscription_validee"),
        message=f"L’inscription de {inscrite.enfant.prenoms} ({_libelle(inscrite)}) est "
                "validée ; la famille en est informée.",
        retour="mairie.inscriptions_demandees")


def _page_refus(inscrite, form, statut: int = 200):
    return render_template(
        "mairie/inscription_refus.html", inscription=inscrite, form=form,
        libelle=_libelle(inscrite),
        foyer=listes_de_travail.noms_des_foyers([inscrite.enfant.famille_id]).get(
            inscrite.enfant.famille_id, "")), statut


@bp.route(f"/inscriptions/<{IDENTIFIANT}:inscription_id>/refus", methods=["GET", "POST"])
def inscription_refus(inscription_id: int):
    inscrite = _inscription_ou_404(inscription_id)
    form = RefusInscriptionForm(data={"version": inscrite.version})
    if request.method == "GET":
        return _page_refus(inscrite, form)
    return decider(
        en_attente=inscrite.statut == "demandee", form=form,
        # A version that is not the one sent with the page: the form was tampered with or lost.
        page_en_erreur=lambda: deja_decide() if form.version.errors else
        _page_refus(inscrite, form, 422),
        decision=lambda: inscriptions.refuser(inscrite, form.version.data, current_user,
                                              form.motif.data),
        annonce=lambda: _annoncer(inscrite, "inscription_refusee"),
        message=f"La demande d’inscription de {inscrite.enfant.prenoms} ({_libelle(inscrite)}) "
                "est refusée ; la famille voit le motif et en est informée.",
        retour="mairie.inscriptions_demandees")
