"""The month's invoicing: compute a draft (households, totals, lines, days the grid could not
price), check it, issue it; the docket for the finance software; each invoice with its credit
notes, the payments received (online, and at the régie's counter, which agents record here) and
the household's balance."""

import secrets
from datetime import UTC
from datetime import datetime

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import dossier_ouvert_ou_motif
from portail_famille.mairie.forms import AnnulationEncaissementForm
from portail_famille.mairie.forms import AvoirForm
from portail_famille.mairie.forms import EmissionForm
from portail_famille.mairie.forms import EncaissementForm
from portail_famille.mairie.forms import MoisForm
from portail_famille.services import export_factures
from portail_famille.services import factures
from portail_famille.services import paiements
from portail_famille.web import affichage
from portail_famille.web import contexte
from portail_famille.web import documents_factures
from portail_famille.web import envoi_de_document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": ("text/csv", export_factures.en_csv), "xlsx": (XLSX, export_factures.en_xlsx)}
FORMATS_PAIEMENTS = {"csv": ("text/csv", export_factures.paiements_en_csv),
                     "xlsx": (XLSX, export_factures.paiements_en_xlsx)}


def _campagne_ou_404(campagne_id: int):
    campagne = factures.trouver_campagne(campagne_id)
    if campagne is None:
        abort(404)
    return campagne


def _page_des_campagnes(form: MoisForm, erreur: str | None = None):
    return render_template("mairie/facturation.html", form=form, erreur=erreur,
                           campagnes=factures.lister_campagnes()), \
        422 if form.errors or erreur else 200


@bp.get("/facturation")
def facturation():
    return _page_des_campagnes(MoisForm(formdata=None))


@bp.post("/facturation", endpoint="facturation_calculer")
def calculer():
    form = MoisForm()
    if not form.validate_on_submit():
        return _page_des_campagnes(form)
    chargee = contexte.grille_chargee()
    try:
        campagne = factures.calculer(form.premier_jour, chargee.grille, chargee.sha256,
                                     contexte.calendrier(), current_user, datetime.now(UTC))
    except factures.FacturationRefusee as refus:
        db.session.rollback()
        return _page_des_campagnes(form, str(refus))
    db.session.commit()
    flash("Le brouillon est calculé : vérifiez les foyers, les montants et les anomalies avant "
          "d’émettre.", "succes")
    return redirect(url_for("mairie.campagne", campagne_id=campagne.id), 303)


@bp.get(f"/facturation/<{IDENTIFIANT}:campagne_id>")
def campagne(campagne_id: int):
    choisie = _campagne_ou_404(campagne_id)
    nombre, total = factures.totaliser(choisie)
    pages = max(1, -(-nombre // factures.PAR_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    liste = factures.factures_de_la_campagne(choisie, page)
    return render_template(
        "mairie/campagne.html", campagne=choisie, factures=liste, nombre=nombre, total=total,
        page=page, pages=pages,
        soldes=factures.soldes([f.famille_id for f in liste]) if choisie.emise else {},
        emission=EmissionForm(formdata=None), recalcul=MoisForm(
            formdata=None, data={"mois": f"{choisie.mois:%Y-%m}"}))


@bp.post(f"/facturation/<{IDENTIFIANT}:campagne_id>/emission", endpoint="campagne_emettre")
def emettre(campagne_id: int):
    choisie = _campagne_ou_404(campagne_id)
    if not EmissionForm().validate_on_submit():
        abort(400)
    emises = factures.emettre(choisie, current_user, datetime.now(UTC), contexte.calendrier())
    db.session.commit()
    flash(f"{emises} facture{'s' if emises > 1 else ''} émise{'s' if emises > 1 else ''} : "
          "les familles les voient dans « Mes factures » ; le pointage du mois est verrouillé."
          if emises else "Cette campagne était déjà émise : aucune facture nouvelle.", "succes")
    return redirect(url_for("mairie.campagne", campagne_id=choisie.id), 303)


@bp.get(f"/facturation/<{IDENTIFIANT}:campagne_id>/bordereau.<any(csv, xlsx):format_>",
        endpoint="campagne_bordereau")
def bordereau(campagne_id: int, format_: str):
    choisie = _campagne_ou_404(campagne_id)
    if not choisie.emise:
        abort(404)
    type_mime, produire = FORMATS[format_]
    return envoi_de_document.reponse(
        produire(choisie, factures.factures_de_la_campagne(choisie)), type_mime,
        f"bordereau-factures-{choisie.mois:%Y-%m}", en_ligne=False)


@bp.get(f"/facturation/<{IDENTIFIANT}:campagne_id>/paiements.<any(csv, xlsx):format_>",
        endpoint="campagne_paiements")
def paiements_recus(campagne_id: int, format_: str):
    """The payments received on the campaign's invoices so far, for the finance software's
    reconciliation."""
    choisie = _campagne_ou_404(campagne_id)
    if not choisie.emise:
        abort(404)
    type_mime, produire = FORMATS_PAIEMENTS[format_]
    recus = export_factures.paiements_recus(choisie, contexte.calendrier().zone_horaire)
    return envoi_de_document.reponse(produire(choisie, recus), type_mime,
                                     f"paiements-recus-{choisie.mois:%Y-%m}", en_ligne=False)


def _facture_du_dossier(facture_id: int):
    """The invoice and None once the agent gave a reason to open its household's file (A5),
    else the redirect that asks it."""
    facture = factures.trouver_facture(facture_id)
    if facture is None:
        abort(404)
    _, refus = dossier_ouvert_ou_motif(facture.famille_id)
    return facture, refus


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>")
def facture(facture_id: int, form: AvoirForm | None = None,
            encaissement: EncaissementForm | None = None):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    aujourd_hui = datetime.now(contexte.calendrier().zone_horaire).date()
    return render_template(
        "mairie/facture.html", facture=choisie, form=form or AvoirForm(formdata=None),
        encaissement=encaissement or EncaissementForm(
            formdata=None, data={"recu_le": aujourd_hui, "jeton": secrets.token_hex(16)}),
        reste=factures.reste_du(choisie), a_payer=factures.reste_a_payer(choisie),
        en_ligne=paiements.payes_de_la_facture(choisie.id),
        solde=factures.solde(choisie.famille_id)), 422 if form or encaissement else 200


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>/pdf")
def facture_pdf(facture_id: int):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    if not choisie.emise:
        abort(404)
    return documents_factures.facture(choisie)


@bp.get(f"/factures/<{IDENTIFIANT}:facture_id>/avoirs/<{IDENTIFIANT}:avoir_id>/pdf")
def avoir_pdf(facture_id: int, avoir_id: int):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    avoir = factures.avoir_de_la_facture(choisie, avoir_id)
    if avoir is None:
        abort(404)
    return documents_factures.avoir(avoir)


@bp.post(f"/factures/<{IDENTIFIANT}:facture_id>/avoir", endpoint="facture_avoir")
def avoir(facture_id: int):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    form = AvoirForm()
    if not form.validate_on_submit():
        return facture(facture_id, form)
    try:
        emis = factures.emettre_avoir(choisie, form.montant.data, form.motif.data, current_user,
                                      datetime.now(UTC), contexte.calendrier())
    except factures.FacturationRefusee as refus_:
        db.session.rollback()
        form.montant.errors = [str(refus_)]
        return facture(facture_id, form)
    db.session.commit()
    flash(f"L’avoir {emis.numero} est émis : la facture {choisie.numero} reste telle "
          "qu’elle a été émise, le solde du foyer en tient compte.", "succes")
    return redirect(url_for("mairie.facture", facture_id=facture_id), 303)


@bp.post(f"/factures/<{IDENTIFIANT}:facture_id>/encaissement", endpoint="facture_encaisser")
def encaisser(facture_id: int):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    form = EncaissementForm()
    if not form.validate_on_submit():
        return facture(facture_id, encaissement=form)
    try:
        recu = factures.encaisser(choisie, form.montant_recu.data, form.mode.data,
                                  form.reference.data, form.recu_le.data, form.jeton.data,
                                  current_user, datetime.now(UTC), contexte.calendrier())
    except factures.FacturationRefusee as refus_:
        db.session.rollback()
        form.montant_recu.errors = [str(refus_)]
        return facture(facture_id, encaissement=form)
    db.session.commit()
    flash(f"Paiement de {affichage.euros(recu.montant)} ({recu.libelle_mode.lower()}) "
          f"enregistré : il reste {affichage.euros(factures.reste_a_payer(choisie))} à payer "
          f"sur la facture {choisie.numero}.", "succes")
    return redirect(url_for("mairie.facture", facture_id=facture_id), 303)


@bp.route(f"/factures/<{IDENTIFIANT}:facture_id>/encaissements/<{IDENTIFIANT}:encaissement_id>"
          "/annulation", methods=["GET", "POST"], endpoint="encaissement_annuler")
def annuler_encaissement(facture_id: int, encaissement_id: int):
    choisie, refus = _facture_du_dossier(facture_id)
    if refus is not None:
        return refus
    recu = next((e for e in choisie.encaissements if e.id == encaissement_id), None)
    if recu is None or recu.annule_le is not None:
        abort(404)
    form = AnnulationEncaissementForm()
    if form.validate_on_submit():
        factures.annuler_encaissement(recu, form.motif.data, current_user, datetime.now(UTC))
        db.session.commit()
        flash(f"Le paiement du {affichage.date_longue(recu.recu_le)} est annulé : il ne compte "
              "plus dans le solde du foyer.", "succes")
        return redirect(url_for("mairie.facture", facture_id=facture_id), 303)
    return render_template("mairie/encaissement_annulation.html", facture=choisie, recu=recu,
                           form=form), 422 if form.errors else 200
