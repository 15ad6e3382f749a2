"""Staff accounts (/admin/comptes): list, create (ProConnect or local), change a role,
deactivate and reactivate, reset the second factor."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille.admin import bp
from portail_famille.admin.forms import ActionCompteForm
from portail_famille.admin.forms import CreationCompteForm
from portail_famille.admin.forms import RoleForm
from portail_famille.extensions import db
from portail_famille.services import comptes
from portail_famille.services import equipe


def _page(form: CreationCompteForm, statut: int = 200, erreur: str | None = None):
    return render_template("admin/comptes.html", form=form, erreur=erreur,
                           comptes=equipe.lister(), action=ActionCompteForm(),
                           formulaire_role=lambda compte: RoleForm(formdata=None,
                                                                   role=compte.role)), statut


@bp.get("/comptes")
def comptes_liste():
    return _page(CreationCompteForm(formdata=None))


@bp.post("/comptes")
def comptes_creer():
    form = CreationCompteForm()
    if not form.validate():
        return _page(form, 422)
    local = form.nature.data == "local"
    try:
        compte = equipe.creer(
            current_user.id, form.role.data,
            courriel="" if local else form.courriel.data,
            identifiant=form.identifiant.data if local else "",
            mot_de_passe=form.mot_de_passe.data if local else "")
    except comptes.CompteRefuse as refus:
        db.session.rollback()
        champ = getattr(form, refus.champ or "", None)
        if champ is None:
            return _page(form, 422, str(refus).capitalize())
        champ.errors = [*champ.errors, str(refus).capitalize()]
        return _page(form, 422)
    db.session.commit()
    flash(f"Le compte « {compte.identifiant or compte.email} » est créé."
          + (" À sa première connexion, il active la double authentification." if local
             else " Il se connecte avec ProConnect."), "succes")
    return redirect(url_for("admin.comptes_liste"), 303)


def _agir(compte_id: int, action, message: str):
    """Run `action(acteur_id, compte)`; back to the list with the message, or the refusal."""
    compte = equipe.compte_du_personnel(compte_id)
    if compte is None:
        abort(404)
    if not ActionCompteForm().validate():
        abort(400)
    try:
        action(current_user.id, compte)
    except comptes.CompteRefuse as refus:
        db.session.rollback()
        return _page(CreationCompteForm(formdata=None), 409, str(refus).capitalize())
    db.session.commit()
    flash(message.format(nom=compte.identifiant or compte.email), "succes")
    return redirect(url_for("admin.comptes_liste"), 303)


@bp.post("/comptes/<int:compte_id>/role")
def compte_role(compte_id: int):
    form = RoleForm()
    if not form.validate():
        return _page(CreationCompteForm(formdata=None), 422,
                     "Choisissez le rôle parmi ceux proposés.")
    return _agir(compte_id, lambda acteur, compte: equipe.changer_role(
        acteur, compte, form.role.data), "Le rôle de « {nom} » est changé ; ses sessions "
                                         "sont fermées.")


@bp.post("/comptes/<int:compte_id>/desactiver")
def compte_desactiver(compte_id: int):
    return _agir(compte_id, equipe.desactiver,
                 "Le compte « {nom} » est désactivé ; ses sessions sont fermées.")


@bp.post("/comptes/<int:compte_id>/reactiver")
def compte_reactiver(compte_id: int):
    return _agir(compte_id, equipe.reactiver, "Le compte « {nom} » est réactivé.")


@bp.post("/comptes/<int:compte_id>/totp")
def compte_totp(compte_id: int):
    return _agir(compte_id, equipe.reinitialiser_totp,
                 "La double authentification de « {nom} » est réinitialisée : il l’activera "
                 "de nouveau à sa prochaine connexion.")
