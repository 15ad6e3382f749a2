"""« Mon foyer »: the adults, the address and whether the household lives in the commune."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.commun import etat_courant
from portail_famille.familles.forms import ContestationResidenceForm
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


def _formulaire_d_adresse(famille, grille) -> tuple[FoyerForm, bool]:
    """The address form, prefilled from the CAF's proposal when there is one (and whether it
    was); without the residence question when the commune's postcodes decide."""
    commune = grille.commune
    proposee = foyers.adresse_proposee(propositions.propositions().get("adresse"), commune)
    form = FoyerForm(data={**(proposee or _adresse_declaree(famille)),
                           "version": famille.version})
    if grille.codes_postaux is not None:
        del form.reside
    else:
        form.reside.label.text = f"Habitez-vous {commune} ?"
        form.reside.choices = [("oui", f"Oui, nous habitons {commune}"),
                               ("non", "Non, nous habitons une autre commune")]
    return form, proposee is not None


def _page(form, famille, grille, proposee: bool = False, statut: int = 200,
          verification: ContestationResidenceForm | None = None):
    return render_template(
        "familles/foyer.html", form=form, famille=famille, proposee=proposee,
        conflit=statut == 409, etat=etat_courant(),
        verification=verification or ContestationResidenceForm(formdata=None),
        residence=foyers.residence_du_foyer(famille, grille),
        par_adresse=grille.codes_postaux is not None,
        contestation=foyers.contestation_en_cours(famille.id),
        adultes=famille.adultes, second=foyers.trouver_second_adulte(famille.id),
    ), statut


@bp.route("/foyer", methods=["GET", "POST"])
def foyer():
    famille, grille = current_user.famille, contexte.grille()
    form, proposee = _formulaire_d_adresse(famille, grille)
    if form.validate_on_submit():
        try:
            foyers.enregistrer_adresse(
                famille, form.version.data, voie=form.adresse_voie.data,
                complement=form.adresse_complement.data, code_postal=form.code_postal.data,
                commune=form.commune_residence.data,
                reside_dans_la_commune=form.reside.data == "oui" if "reside" in form else None)
            db.session.commit()
        except (foyers.ConflitDeVersion, StaleDataError):
            return _conflit(form, famille, grille)
        propositions.oublier(adresse=True)
        flash(_adresse_enregistree(foyers.residence_du_foyer(famille, grille), grille.commune),
              "succes")
        return redirect(url_for("familles.foyer"), 303)
    if form.version.errors:  # a form without its version cannot say what it was loaded at
        return _conflit(form, famille, grille)
    return _page(form, famille, grille, proposee and request.method == "GET",
                 422 if form.errors else 200)


def _conflit(form, famille, grille):
    """Changed meanwhile by another adult or the town hall: the page shows the household as
    it is now, and the form keeps what was typed, at the version just read, for the family
    to save again knowingly (securite.md R1)."""
    db.session.rollback()
    form.version.errors = []
    form.version.raw_data = [str(famille.version)]
    return _page(form, famille, grille, statut=409)


def _adresse_enregistree(residence, commune: str) -> str:
    if residence.selon != "adresse":
        return "Votre adresse est enregistrée."
    if residence.dans_la_commune:
        return (f"Votre adresse est enregistrée. D’après elle, vous habitez {commune} : ses "
                "tarifs s’appliquent.")
    return (f"Votre adresse est enregistrée. D’après elle, vous n’habitez pas {commune} : le "
            "tarif hors commune s’applique.")


@bp.post("/foyer/residence/verification")
def residence_verification():
    famille, grille = current_user.famille, contexte.grille()
    if grille.codes_postaux is None:
        abort(404)  # the family declares its residence itself: nothing for an agent to check
    form = ContestationResidenceForm()
    if not form.validate_on_submit():
        adresse, _ = _formulaire_d_adresse(famille, grille)
        return _page(adresse, famille, grille, statut=422, verification=form)
    foyers.contester_residence(famille, current_user, form.message.data or "")
    db.session.commit()
    flash("Votre demande est envoyée : un agent de la mairie vérifiera votre commune de "
          "résidence et vous répondra. D’ici là, les tarifs affichés restent ceux de votre "
          "adresse.", "succes")
    return redirect(url_for("familles.foyer"), 303)


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
