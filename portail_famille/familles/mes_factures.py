"""« Mes factures »: the household's issued invoices, their credit notes, the balance, and each
invoice and credit note as a PDF. Only the household's own: any other id is a 404, never a 403
that would confirm it exists."""

from datetime import date
from decimal import Decimal

from flask import abort
from flask import redirect
from flask import render_template
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.commun import IDENTIFIANT
from portail_famille.familles.forms import PaiementForm
from portail_famille.services import attestation_garde
from portail_famille.services import factures as services_factures
from portail_famille.services import paiements
from portail_famille.services import pdf_factures
from portail_famille.web import contexte
from portail_famille.web import documents_factures
from portail_famille.web import envoi_de_document


def _attestation_de_l_an_dernier() -> attestation_garde.Attestation:
    # Each January the family declares what it paid the year before.
    return attestation_garde.attestation(current_user.famille_id, date.today().year - 1,
                                         contexte.calendrier())


@bp.get("/factures")
def factures():
    famille_id = current_user.famille_id
    return render_template("familles/factures.html",
                           factures=services_factures.factures_de_la_famille(famille_id),
                           solde=services_factures.solde(famille_id),
                           attestation=_attestation_de_l_an_dernier())


@bp.get("/factures/attestation-frais-de-garde.pdf")
def attestation_frais_de_garde():
    attestation = _attestation_de_l_an_dernier()
    famille = current_user.famille
    return envoi_de_document.reponse(
        pdf_factures.produire_attestation(
            attestation, famille.id, f"{current_user.prenoms} {current_user.nom_naissance}",
            contexte.grille().commune, contexte.calendrier().facturation),
        "application/pdf", f"attestation-frais-de-garde-{attestation.annee}", en_ligne=False)


def _la_sienne(facture_id: int):
    facture = services_factures.facture_de_la_famille(current_user.famille_id, facture_id)
    if facture is None:
        abort(404)
    return facture


def _page(facture, reste: Decimal, form: PaiementForm, refus: str | None = None,
          statut: int = 200):
    return render_template("familles/facture.html", facture=facture, form=form, refus=refus,
                           reste=reste, en_ligne=contexte.payfip() is not None,
                           payes_en_ligne=paiements.payes_de_la_facture(facture.id)), statut


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>")
def facture(facture_id: int):
    choisie = _la_sienne(facture_id)
    return _page(choisie, services_factures.reste_a_payer(choisie), PaiementForm())


@bp.post(f"/factures/<{IDENTIFIANT}:facture_id>/payer")
def facture_payer(facture_id: int):
    choisie = _la_sienne(facture_id)
    # What is asked of PayFiP and what the page shows when it cannot be asked: a refused
    # payment is rolled back, so the amount owed is the same before and after.
    reste = services_factures.reste_a_payer(choisie)
    form = PaiementForm()
    if not form.validate():
        return _page(choisie, reste, form, statut=422)
    refdet, exer = services_factures.reference_payfip(choisie)
    try:
        url = paiements.demarrer_paiement(
            contexte.payfip(), contexte.config().portail_url, facture_id=choisie.id,
            famille_id=current_user.famille_id, refdet=refdet, exer=exer,
            montant=reste, courriel=current_user.email, objet=f"Facture {choisie.numero}")
    except paiements.PaiementImpossible as refus:
        db.session.rollback()
        return _page(choisie, reste, form, refus=str(refus), statut=422)
    # The operation and its idOp are stored before the browser leaves for PayFiP.
    db.session.commit()
    return redirect(url, 303)


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>/pdf")
def facture_pdf(facture_id: int):
    choisie = _la_sienne(facture_id)
    return documents_factures.facture(choisie)


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>/avoirs/<{IDENTIFIANT}:avoir_id>/pdf")
def avoir_pdf(facture_id: int, avoir_id: int):
    avoir = services_factures.avoir_de_la_facture(_la_sienne(facture_id), avoir_id)
    if avoir is None:
        abort(404)
    return documents_factures.avoir(avoir)
