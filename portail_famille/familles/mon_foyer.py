"""« Mon foyer »: the adults, the address and whether the household lives in the commune."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.forms import FoyerForm
from portail_famille.familles.forms import SecondAdulteForm
from portail_famille.services import foyers
from portail_famille.web import contexte
from portail_famille.web import propositions


def _adresse_declaree(famille) -> dict:
    reside = famille.reside_dans_la_commune
    return {"adresse_voie": famille.adresse_voie, "adresse_complement": famille.adresse_complement,
            "code_postal": famille.code_postal, "commune_residence": famille.commune_residence,
            "reside": None if reside is None else ("oui" if reside else "non")}


@bp.route("/foyer", methods=["GET", "POST"])
def foyer():
    famille = current_user.famille
    commune = contexte.grille().commune
    proposee = foyers.adresse_proposee(propositions.propositions().get("adresse"), commune)
    form = FoyerForm(data=proposee or _adresse_declaree(famille))
    form.reside.label.text = f"Habitez-vous {commune} ?"
    form.reside.choices = [("oui", f"Oui, nous habitons {commune}"),
                           ("non", "Non, nous habitons une autre commune")]
    if form.validate_on_submit():
        foyers.enregistrer_adresse(
            famille, voie=form.adresse_voie.data, complement=form.adresse_complement.data,
            code_postal=form.code_postal.data, commune=form.commune_residence.data,
            reside_dans_la_commune=form.reside.data == "oui")
        db.session.commit()
        propositions.oublier(adresse=True)
        flash("Votre adresse est enregistrée.", "succes")
        return redirect(url_for("familles.foyer"), 303)
    return render_template(
        "familles/foyer.html", form=form, famille=famille,
        proposee=proposee is not None and request.method == "GET",
        adultes=famille.adultes, second=foyers.trouver_second_adulte(famille.id),
    ), 422 if form.errors else 200


@bp.post("/foyer/adresse-caf/ignorer")
def adresse_caf_ignorer():
    propositions.oublier(adresse=True)
    flash("L’adresse transmise par la CAF n’a pas été utilisée.", "info")
    return redirect(url_for("familles.foyer"), 303)


@bp.route("/foyer/second-adulte", methods=["GET", "POST"])
def second_adulte():
    existant = foyers.trouver_second_adulte(current_user.famille_id)
    form = SecondAdulteForm(obj=existant)
    if form.validate_on_submit():
        foyers.enregistrer_second_adulte(
            current_user.famille_id, nom=form.nom.data, prenoms=form.prenoms.data,
            telephone=form.telephone.data, courriel=form.courriel.data)
        db.session.commit()
        flash("Le second adulte du foyer est enregistré.", "succes")
        return redirect(url_for("familles.foyer"), 303)
    return render_template("familles/second_adulte.html", form=form, existant=existant), \
        422 if form.errors else 200


@bp.post("/foyer/second-adulte/retirer")
def second_adulte_retirer():
    foyers.retirer_second_adulte(current_user.famille_id)
    db.session.commit()
    flash("Le second adulte a été retiré du foyer.", "info")
    return redirect(url_for("familles.foyer"), 303)
