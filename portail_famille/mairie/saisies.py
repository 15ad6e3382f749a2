"""Corrections of a household's file: a QF set from a document seen at the counter, a rate
decided outside the grid. Each asks a reason and an end date, and carries the household's
version: a form loaded before another change gets the 409 page, with what was typed kept and
the newer values shown (securite.md R1)."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import dossier_ouvert_ou_motif
from portail_famille.mairie.forms import QuotientMairieForm
from portail_famille.mairie.forms import TarifDecideForm
from portail_famille.services import corrections
from portail_famille.services import foyers
from portail_famille.services import inscriptions
from portail_famille.services import quotients
from portail_famille.services import recherche_familles
from portail_famille.web import contexte


def _page(gabarit: str, form, famille, statut: int = 200, **valeurs):
    grille = contexte.grille()
    return render_template(
        gabarit, form=form, famille=famille, conflit=statut == 409,
        numero=recherche_familles.formater_numero(famille.id),
        etat=quotients.etat_quotient(famille, grille.sources, grille.validite_mois,
                                     datetime.now(UTC)),
        decisions=corrections.lister_tarifs_decides(famille.id), **valeurs), statut


def _conflit(gabarit: str, form, famille, **valeurs):
    """The newer values shown, and the form keeping what was typed: saving again, now
    knowingly, is done at the version just read."""
    db.session.rollback()
    form.version.errors = []
    form.version.raw_data = [str(famille.version)]
    return _page(gabarit, form, famille, 409, **valeurs)


def _enregistrer(gabarit: str, form, famille, enregistrer, message: str, **valeurs):
    """Validate, write and commit; the 409 page when the household changed meanwhile."""
    if not form.validate_on_submit():
        if form.version.errors:  # no version: what the form was loaded at is unknown
            return _conflit(gabarit, form, famille, **valeurs)
        if form.is_submitted():
            return _page(gabarit, form, famille, 422, **valeurs)
        form.version.data = famille.version
        return _page(gabarit, form, famille, **valeurs)
    try:
        enregistrer()
        db.session.commit()
    except (foyers.ConflitDeVersion, StaleDataError):
        return _conflit(gabarit, form, famille, **valeurs)
    flash(message, "succes")
    return redirect(url_for("mairie.fiche", famille_id=famille.id), 303)


@bp.route(f"/familles/<{IDENTIFIANT}:famille_id>/quotient", methods=["GET", "POST"])
def saisie_quotient(famille_id: int):
    famille, refus = dossier_ouvert_ou_motif(famille_id)
    if refus is not None:
        return refus
    form = QuotientMairieForm()
    return _enregistrer(
        "mairie/saisie_quotient.html", form, famille,
        lambda: corrections.saisir_quotient(
            famille, form.version.data, current_user, form.valeur.data,
            corrections.Saisie(form.motif.data, form.expire_le.data)),
        "Le quotient familial saisi est enregistré : il fixe désormais les tarifs de la "
        "famille, qui voit qu’il a été saisi par la mairie, quand et pourquoi.")


@bp.route(f"/familles/<{IDENTIFIANT}:famille_id>/tarif", methods=["GET", "POST"])
def tarif_decide(famille_id: int):
    famille, refus = dossier_ouvert_ou_motif(famille_id)
    if refus is not None:
        return refus
    grille = contexte.grille()
    enfants = foyers.lister_enfants(famille.id)
    services = {code: service.libelle
                for periode in inscriptions.periodes_ouvertes(grille, date.today())
                for code, service in periode.services.items()}
    form = TarifDecideForm()
    form.enfant.choices = [(e.id, f"{e.prenoms} {e.nom}") for e in enfants]
    form.service.choices = list(services.items())
    return _enregistrer(
        "mairie/tarif_decide.html", form, famille,
        lambda: corrections.decider_tarif(
            famille, form.version.data, current_user,
            next(e for e in enfants if e.id == form.enfant.data), form.service.data,
            form.prix.data, corrections.Saisie(form.motif.data, form.fin.data), date.today()),
        "Le tarif décidé est enregistré : la famille le voit sur « Mes tarifs », avec la date "
        "et le motif.", services=services, enfants=enfants)
