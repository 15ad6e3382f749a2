"""« Mes factures »: the household's issued invoices, their credit notes, the balance, and each
invoice as a PDF. Only the household's own: any other id is a 404, never a 403 that would
confirm it exists."""

from flask import abort
from flask import render_template
from flask_login import current_user

from portail_famille.familles import bp
from portail_famille.familles.commun import IDENTIFIANT
from portail_famille.services import factures as services_factures
from portail_famille.services import pdf_factures
from portail_famille.web import contexte
from portail_famille.web import envoi_de_document


@bp.get("/factures")
def factures():
    famille_id = current_user.famille_id
    return render_template("familles/factures.html",
                           factures=services_factures.factures_de_la_famille(famille_id),
                           solde=services_factures.solde(famille_id))


def _la_sienne(facture_id: int):
    facture = services_factures.facture_de_la_famille(current_user.famille_id, facture_id)
    if facture is None:
        abort(404)
    return facture


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>")
def facture(facture_id: int):
    return render_template("familles/facture.html", facture=_la_sienne(facture_id))


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>/pdf")
def facture_pdf(facture_id: int):
    choisie = _la_sienne(facture_id)
    return envoi_de_document.reponse(
        pdf_factures.produire(choisie, contexte.grille().commune,
                              contexte.calendrier().facturation),
        "application/pdf", f"facture-{choisie.numero}", en_ligne=False)
