"""« Mon foyer »: the adults, the address and whether the household lives in the commune.

Also what the household pages share: the CAF's proposals kept in the session by the sign-in
callback, and the 409 page of a form loaded before someone else's change (securite.md R1).
"""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portail_famille import recuperations
from portail_famille.erreurs import page_erreur
from portail_famille.extensions import db
from portail_famille.familles.forms import FoyerForm
from portail_famille.familles.forms import SecondAdulteForm
from portail_famille.familles.views import bp
from portail_famille.services import foyers

# An id in a URL: beyond an INTEGER column's range it is a 404 before any query (PostgreSQL
# would refuse the query itself).
IDENTIFIANT = "int(max=2147483647)"
MESSAGE_CONFLIT = ("Ces informations ont été modifiées entre-temps, par un autre adulte du foyer "
                   "ou par la mairie. Rien n’a été enregistré : rouvrez la page pour voir leur "
                   "version actuelle, puis recommencez.")


def conflit():
    """The 409 page: the form was loaded before another change; nothing was written."""
    db.session.rollback()
    return page_erreur(409, MESSAGE_CONFLIT)


@bp.errorhandler(StaleDataError)
def modification_concurrente(erreur):
    return conflit()


def propositions() -> dict:
    """The CAF's children and address offered after the last retrieval (never stored as such)."""
    return session.get(recuperations.CLE_PROPOSITIONS) or {}


def oublier_proposition(*, enfant: str | None = None, adresse: bool = False) -> None:
    """Drop a proposal the family handled (confirmed or dismissed) from the session."""
    restantes = dict(propositions())
    if adresse:
        restantes["adresse"] = None
    if enfant is not None:
        restantes["enfants"] = [e for e in restantes.get("enfants") or []
                                if foyers.cle_de_proposition(e) != enfant]
    if restantes.get("adresse") or restantes.get("enfants"):
        session[recuperations.CLE_PROPOSITIONS] = restantes
    else:
        session.pop(recuperations.CLE_PROPOSITIONS, None)


def _adresse_declaree(famille) -> dict:
    reside = famille.reside_dans_la_commune
    return {"adresse_voie": famille.adresse_voie, "adresse_complement": famille.adresse_complement,
            "code_postal": famille.code_postal, "commune_residence": famille.commune_residence,
            "reside": None if reside is None else ("oui" if reside else "non")}


@bp.route("/foyer", methods=["GET", "POST"])
def foyer():
    famille = current_user.famille
    commune = current_app.extensions["grille"].obtenir().grille.commune
    proposee = foyers.adresse_proposee(propositions().get("adresse"), commune)
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
        oublier_proposition(adresse=True)
        flash("Votre adresse est enregistrée.", "succes")
        return redirect(url_for("familles.foyer"), 303)
    return render_template(
        "familles/foyer.html", form=form, famille=famille,
        proposee=proposee is not None and request.method == "GET",
        adultes=famille.adultes, second=foyers.second_adulte(famille.id),
    ), 422 if form.errors else 200


@bp.post("/foyer/adresse-caf/ignorer")
def adresse_caf_ignorer():
    oublier_proposition(adresse=True)
    flash("L’adresse transmise par la CAF n’a pas été utilisée.", "info")
    return redirect(url_for("familles.foyer"), 303)


@bp.route("/foyer/second-adulte", methods=["GET", "POST"])
def second_adulte():
    existant = foyers.second_adulte(current_user.famille_id)
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
