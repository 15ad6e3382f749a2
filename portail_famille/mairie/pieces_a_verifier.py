"""The documents families uploaded: the list to review, each one shown safely beside the form
where the agent types what it reads, then accepts it (a QF record) or refuses it."""

from flask import abort
from flask import render_template
from flask import request
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import decider
from portail_famille.mairie.forms import AttestationForm
from portail_famille.mairie.forms import AvisForm
from portail_famille.mairie.forms import RefusJustificatifForm
from portail_famille.services import audit
from portail_famille.services import donnees
from portail_famille.services import justificatifs
from portail_famille.services import listes_de_travail
from portail_famille.web import envoi_de_document
from portail_famille.web import redaction

MOTIF_CONSULTATION = "examen d’un justificatif"


def _justificatif_ou_404(justificatif_id: int):
    justificatif = justificatifs.trouver(justificatif_id)
    if justificatif is None:
        abort(404)
    return justificatif


def _lecture(justificatif, **options):
    """The form of what the agent reads: a QF on an attestation, an RFR and shares on an avis."""
    classe = AvisForm if justificatif.nature == "avis_impot" else AttestationForm
    return classe(prefix="accepter", **options)


def _page(justificatif, lecture=None, refus=None, statut: int = 200):
    return render_template(
        "mairie/justificatif.html", justificatif=justificatif,
        foyer=listes_de_travail.noms_des_foyers([justificatif.famille_id]).get(
            justificatif.famille_id, ""),
        nature=justificatifs.NATURES.get(justificatif.nature, justificatif.nature),
        lecture=lecture or _lecture(justificatif, formdata=None),
        refus=refus or RefusJustificatifForm(formdata=None, prefix="refuser")), statut


@bp.get("/justificatifs")
def justificatifs_a_verifier():
    en_attente = justificatifs.a_verifier()
    return render_template(
        "mairie/justificatifs.html", justificatifs=en_attente, natures=justificatifs.NATURES,
        foyers=listes_de_travail.noms_des_foyers(j.famille_id for j in en_attente))


@bp.get(f"/justificatifs/<{IDENTIFIANT}:justificatif_id>")
def justificatif(justificatif_id: int):
    return _page(_justificatif_ou_404(justificatif_id))


@bp.get(f"/justificatifs/<{IDENTIFIANT}:justificatif_id>/document")
def justificatif_document(justificatif_id: int):
    piece = _justificatif_ou_404(justificatif_id)
    # Seeing the document is seeing the family's income: one journal row per view, the reason
    # given by the page it is shown on (securite.md A5), listed in the family's « Mes données ».
    audit.consigner(donnees.TYPE_CONSULTATION, compte_id=current_user.id,
                    famille_id=piece.famille_id, detail=MOTIF_CONSULTATION)
    db.session.commit()
    return envoi_de_document.reponse(piece.contenu, piece.type_mime, f"justificatif-{piece.id}",
                                     en_ligne="telecharger" not in request.args)


@bp.post(f"/justificatifs/<{IDENTIFIANT}:justificatif_id>/accepter")
def justificatif_accepter(justificatif_id: int):
    piece = _justificatif_ou_404(justificatif_id)
    lecture = _lecture(piece)
    return decider(
        en_attente=piece.statut == "a_verifier", form=lecture,
        page_en_erreur=lambda: _page(piece, lecture=lecture, statut=422),
        decision=lambda: justificatifs.accepter(piece, current_user, **{
            nom: valeur for nom, valeur in lecture.data.items() if nom != "csrf_token"}),
        annonce=lambda: redaction.annoncer("justificatif_accepte",
                                           f"justificatif_accepte:{piece.id}", piece.famille_id),
        message="Le justificatif est accepté : le quotient familial lu s’applique désormais aux "
                "tarifs de la famille, qui en est informée.",
        retour="mairie.justificatifs_a_verifier")


@bp.post(f"/justificatifs/<{IDENTIFIANT}:justificatif_id>/refuser")
def justificatif_refuser(justificatif_id: int):
    piece = _justificatif_ou_404(justificatif_id)
    refus = RefusJustificatifForm(prefix="refuser")
    return decider(
        en_attente=piece.statut == "a_verifier", form=refus,
        page_en_erreur=lambda: _page(piece, refus=refus, statut=422),
        decision=lambda: justificatifs.refuser(piece, current_user, refus.motif.data),
        annonce=lambda: redaction.annoncer("justificatif_refuse",
                                           f"justificatif_refuse:{piece.id}", piece.famille_id,
                                           motif=piece.motif),
        message="Le justificatif est refusé : la famille voit le motif sur sa page « Mon "
                "quotient familial » et en est informée par courriel.",
        retour="mairie.justificatifs_a_verifier")
