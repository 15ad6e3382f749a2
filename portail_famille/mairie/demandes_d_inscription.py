"""The enrolments families asked for: validate them, or refuse them with a reason the family
reads on its « Inscriptions » page and in an email."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import deja_decide
from portail_famille.mairie.forms import RefusInscriptionForm
from portail_famille.mairie.forms import ValidationInscriptionForm
from portail_famille.services import decisions
from portail_famille.services import foyers
from portail_famille.services import inscriptions
from portail_famille.services import listes_de_travail
from portail_famille.travaux.expedition import envoyer_les_courriels
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


def _decider(inscrite, decision, nature: str, message: str):
    try:
        decision()
    except (foyers.ConflitDeVersion, decisions.DejaDecide):
        return deja_decide()
    _annoncer(inscrite, nature)
    db.session.commit()
    envoyer_les_courriels()
    flash(message, "succes")
    return redirect(url_for("mairie.inscriptions_demandees"), 303)


@bp.post(f"/inscriptions/<{IDENTIFIANT}:inscription_id>/valider")
def inscription_valider(inscription_id: int):
    inscrite = _inscription_ou_404(inscription_id)
    form = ValidationInscriptionForm()
    if not form.validate_on_submit():
        return deja_decide()
    return _decider(inscrite, lambda: inscriptions.valider(inscrite, form.version.data,
                                                           current_user),
                    "inscription_validee",
                    f"L’inscription de {inscrite.enfant.prenoms} ({_libelle(inscrite)}) est "
                    "validée ; la famille en est informée.")


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
    if not form.validate_on_submit():
        if form.version.errors:
            return deja_decide()
        return _page_refus(inscrite, form, 422 if form.errors else 200)
    return _decider(inscrite, lambda: inscriptions.refuser(inscrite, form.version.data,
                                                           current_user, form.motif.data),
                    "inscription_refusee",
                    f"La demande d’inscription de {inscrite.enfant.prenoms} "
                    f"({_libelle(inscrite)}) est refusée ; la famille voit le motif et en est "
                    "informée.")
