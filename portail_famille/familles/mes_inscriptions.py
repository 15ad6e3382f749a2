"""Enrolments: ask for one or several children at once, change the days, cancel; every change
is kept and shown."""

from datetime import date

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.commun import IDENTIFIANT
from portail_famille.familles.commun import conflit
from portail_famille.familles.forms import AnnulationInscriptionForm
from portail_famille.familles.forms import InscriptionForm
from portail_famille.familles.forms import ModificationInscriptionForm
from portail_famille.services import foyers
from portail_famille.services import inscriptions
from portail_famille.web import contexte


def _inscription_ou_404(inscription_id: int):
    try:
        return inscriptions.trouver_inscription(current_user.famille_id, inscription_id)
    except foyers.Introuvable:
        abort(404)


def _choix(form) -> inscriptions.Choix:
    return inscriptions.Choix(tuple(form.jours.data), form.date_debut.data)


@bp.get("/inscriptions", endpoint="inscriptions")
def liste_inscriptions():
    return render_template("familles/inscriptions.html",
                           inscriptions=inscriptions.lister_inscriptions(current_user.famille_id),
                           libelles=inscriptions.libelles_des_services(contexte.grille()),
                           a_des_enfants=bool(foyers.lister_enfants(current_user.famille_id)))


@bp.route("/inscriptions/nouvelle", methods=["GET", "POST"])
def inscription_nouvelle():
    grille, aujourd_hui = contexte.grille(), date.today()
    periodes = inscriptions.periodes_ouvertes(grille, aujourd_hui)
    enfants = foyers.lister_enfants(current_user.famille_id)
    form = InscriptionForm(data={
        "enfants": [e.id for e in enfants if str(e.id) == request.args.get("enfant")],
        "service": request.args.get("service"),
        "date_debut": inscriptions.premier_jour_possible(periodes[0], aujourd_hui)
        if periodes else None,
    })
    form.enfants.choices = [(e.id, f"{e.prenoms} {e.nom}") for e in enfants]
    form.service.choices = {
        periode.libelle: [(f"{periode.debut.isoformat()}:{code}", _libelle(service))
                          for code, service in periode.services.items()]
        for periode in periodes}
    if enfants and periodes and form.validate_on_submit():
        debut, _, code = form.service.data.partition(":")
        try:
            creees = inscriptions.inscrire(
                current_user.famille_id, form.enfants.data, grille, date.fromisoformat(debut),
                code, _choix(form), current_user, aujourd_hui)
        except inscriptions.InscriptionRefusee as refus:
            form[refus.champ].errors.append(refus.message)
        except IntegrityError:
            # Another request (a double tap) enrolled the same child a moment ago.
            return conflit()
        else:
            db.session.commit()
            prenoms = ", ".join(i.enfant.prenom for i in creees)
            flash(f"Votre demande d’inscription est envoyée ({prenoms}). La mairie la "
                  "validera.", "succes")
            return redirect(url_for("familles.inscriptions"), 303)
    return render_template("familles/inscription_nouvelle.html", form=form, enfants=enfants,
                           periodes=periodes), 422 if form.errors else 200


def _libelle(service) -> str:
    """A service as the list offers it, with its days when it does not run every day."""
    if service.jours == inscriptions.JOURS_OUVRES:
        return service.libelle
    return f"{service.libelle} ({inscriptions.les_jours(service.jours)})"


@bp.route(f"/inscriptions/<{IDENTIFIANT}:inscription_id>", methods=["GET", "POST"])
def inscription(inscription_id: int):
    inscrite = _inscription_ou_404(inscription_id)
    grille, aujourd_hui = contexte.grille(), date.today()
    periode = inscriptions.periode_ouverte(grille, inscrite.periode_debut, aujourd_hui)
    form = ModificationInscriptionForm(data={"jours": inscrite.liste_jours,
                                             "date_debut": inscrite.date_debut,
                                             "version": inscrite.version})
    form.jours.choices = [(jour, jour.capitalize()) for jour in inscriptions.jours_du_service(
        grille, inscrite.periode_debut, inscrite.service)]
    if form.validate_on_submit():
        try:
            inscriptions.modifier(inscrite, form.version.data, grille, _choix(form),
                                  current_user, aujourd_hui)
        except foyers.ConflitDeVersion:
            return conflit()
        except inscriptions.InscriptionRefusee as refus:
            form[refus.champ].errors.append(refus.message)
        else:
            db.session.commit()
            flash("Votre modification est envoyée. La mairie la validera.", "succes")
            return redirect(url_for("familles.inscription", inscription_id=inscrite.id), 303)
    elif form.version.errors:
        return conflit()
    return render_template(
        "familles/inscription.html", inscription=inscrite, form=form,
        periode=periode, libelle=inscriptions.libelles_des_services(grille).get(
            (inscrite.periode_debut, inscrite.service), inscrite.service),
    ), 422 if form.errors else 200


@bp.route(f"/inscriptions/<{IDENTIFIANT}:inscription_id>/annuler", methods=["GET", "POST"])
def inscription_annuler(inscription_id: int):
    inscrite = _inscription_ou_404(inscription_id)
    if request.method == "GET":
        # A cancellation is confirmed on a page of its own: one tap never cancels.
        form = AnnulationInscriptionForm(formdata=None, prefix="annulation",
                                         data={"version": inscrite.version})
        return render_template(
            "familles/inscription_annuler.html", inscription=inscrite, form=form,
            libelle=inscriptions.libelles_des_services(contexte.grille()).get(
                (inscrite.periode_debut, inscrite.service), inscrite.service))
    form = AnnulationInscriptionForm(prefix="annulation")
    if not form.validate_on_submit():
        return conflit()
    try:
        inscriptions.annuler(inscrite, form.version.data, current_user)
    except foyers.ConflitDeVersion:
        return conflit()
    db.session.commit()
    flash(f"L’inscription de {inscrite.enfant.prenom} est annulée.", "info")
    return redirect(url_for("familles.inscription", inscription_id=inscrite.id), 303)
