"""« Mes enfants »: add, edit, remove, and the CAF's children confirmed one by one.

A CAF proposal becomes a child only when the family submits its prefilled form; dismissing it
or confirming it removes it from the session.
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.commun import IDENTIFIANT
from portail_famille.familles.commun import conflit
from portail_famille.familles.forms import EnfantForm
from portail_famille.familles.forms import ModificationEnfantForm
from portail_famille.services import foyers
from portail_famille.web import propositions


def _enfant_ou_404(enfant_id: int):
    try:
        return foyers.trouver_enfant(current_user.famille_id, enfant_id)
    except foyers.Introuvable:
        abort(404)


def _propositions() -> list[foyers.PropositionEnfant]:
    return foyers.propositions_enfants(propositions.propositions().get("enfants") or [],
                                       current_user.famille_id)


def _proposition_ou_404(cle: str) -> foyers.PropositionEnfant:
    trouvee = next((p for p in _propositions() if p.cle == cle), None)
    if trouvee is None:
        abort(404)
    return trouvee


def _fiche(form: EnfantForm) -> foyers.FicheEnfant:
    return foyers.FicheEnfant(nom=form.nom.data, prenoms=form.prenoms.data,
                              date_naissance=form.date_naissance.data, ecole=form.ecole.data,
                              niveau=form.niveau.data,
                              niveau_a_verifier=form.niveau_inhabituel)


@bp.get("/enfants")
def enfants():
    return render_template("familles/enfants.html",
                           enfants=foyers.lister_enfants(current_user.famille_id),
                           propositions=_propositions())


@bp.route("/enfants/ajouter", methods=["GET", "POST"])
def enfant_ajouter():
    form = EnfantForm()
    if form.validate_on_submit():
        ajoute = foyers.ajouter_enfant(current_user.famille_id, _fiche(form))
        db.session.commit()
        flash(f"La fiche de {ajoute.prenom} est ajoutée à votre foyer.", "succes")
        return redirect(url_for("familles.enfants"), 303)
    return render_template("familles/enfant.html", form=form, enfant=None, proposition=None), \
        422 if form.errors else 200


@bp.route("/enfants/caf/<cle>", methods=["GET", "POST"])
def enfant_caf(cle: str):
    proposition = _proposition_ou_404(cle)
    form = EnfantForm(data={"nom": proposition.nom, "prenoms": proposition.prenoms,
                            "date_naissance": proposition.date_naissance})
    if form.validate_on_submit():
        ajoute = foyers.ajouter_enfant(current_user.famille_id, _fiche(form), origine="caf")
        db.session.commit()
        propositions.oublier(enfant=cle)
        flash(f"La fiche de {ajoute.prenom} est ajoutée à votre foyer.", "succes")
        return redirect(url_for("familles.enfants"), 303)
    return render_template("familles/enfant.html", form=form, enfant=None,
                           proposition=proposition), 422 if form.errors else 200


@bp.post("/enfants/caf/<cle>/ignorer")
def enfant_caf_ignorer(cle: str):
    proposition = _proposition_ou_404(cle)
    propositions.oublier(enfant=cle)
    flash(f"La proposition de la CAF pour {proposition.prenoms.split(' ')[0]} est écartée : rien "
          "n’est ajouté à votre foyer.", "info")
    return redirect(url_for("familles.enfants"), 303)


@bp.route(f"/enfants/<{IDENTIFIANT}:enfant_id>", methods=["GET", "POST"])
def enfant(enfant_id: int):
    existant = _enfant_ou_404(enfant_id)
    form = ModificationEnfantForm(obj=existant)
    if form.validate_on_submit():
        try:
            foyers.modifier_enfant(existant, form.version.data, _fiche(form))
        except foyers.ConflitDeVersion:
            return conflit()
        db.session.commit()
        flash(f"La fiche de {existant.prenom} est enregistrée.", "succes")
        return redirect(url_for("familles.enfants"), 303)
    if form.version.errors:
        return conflit()
    return render_template("familles/enfant.html", form=form, enfant=existant,
                           proposition=None), 422 if form.errors else 200


@bp.route(f"/enfants/<{IDENTIFIANT}:enfant_id>/retirer", methods=["GET", "POST"])
def enfant_retirer(enfant_id: int):
    existant = _enfant_ou_404(enfant_id)
    archive = foyers.sera_archive(existant)
    if request.method == "POST":
        prenom = existant.prenom
        try:
            foyers.retirer_enfant(existant)
        except foyers.EnfantInscrit:
            return render_template("familles/enfant_retirer.html", enfant=existant,
                                   inscrit=True, archive=archive), 409
        db.session.commit()
        flash(f"La fiche de {prenom} est retirée de votre foyer."
              + (" L’historique de ses inscriptions est conservé." if archive else ""), "info")
        return redirect(url_for("familles.enfants"), 303)
    inscrit = any(inscription.active for inscription in existant.inscriptions)
    return render_template("familles/enfant_retirer.html", enfant=existant, inscrit=inscrit,
                           archive=archive)
