"""Income pages: the family's QF and its provenance, and every way to provide it.

Without usable FranceConnect data the family is offered, in this order: the identity lookup,
the numéro fiscal lookup, a supporting document for an agent, or refusing (the grid's
sans_quotient price then applies, and the family is told so).
"""

import contextlib
from datetime import date

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.familles import bp
from portail_famille.familles.commun import etat_courant
from portail_famille.familles.forms import PAYS
from portail_famille.familles.forms import IdentiteForm
from portail_famille.familles.forms import JustificatifForm
from portail_famille.familles.forms import NumeroFiscalForm
from portail_famille.services import justificatifs
from portail_famille.services import quotients
from portail_famille.services import recuperation
from portail_famille.web import affichage
from portail_famille.web import contexte
from portail_famille.web import propositions

# Each lookup reaches an outside API: bounded per account (securite.md I6, impot-particulier §6).
LIMITE_RECHERCHES = "10 per hour"


def _par_compte() -> str:
    return f"compte:{current_user.get_id()}"


@bp.get("/quotient")
def quotient():
    return render_template(
        "familles/quotient.html", etat=etat_courant(), echecs=propositions.echecs(),
        historique=quotients.lister_quotients(current_user.famille_id),
        sources=contexte.grille().sources,
    )


def _identite_depuis_compte() -> dict:
    """Prefill the identity form from the FranceConnect identity pivot."""
    compte = current_user
    prenoms = ([*compte.prenoms.split(), "", "", ""])[:3]
    donnees = {
        "nom_naissance": compte.nom_naissance, "nom_usage": compte.nom_usage,
        "prenom_1": prenoms[0], "prenom_2": prenoms[1], "prenom_3": prenoms[2],
        "sexe": compte.sexe or None,
    }
    if compte.date_naissance:
        with contextlib.suppress(ValueError):
            donnees["date_naissance"] = date.fromisoformat(compte.date_naissance)
    if compte.code_pays_naissance and compte.code_pays_naissance != "99100":
        connu = compte.code_pays_naissance in {code for code, _ in PAYS}
        donnees.update(lieu="etranger", pays=compte.code_pays_naissance if connu else "autre",
                       code_pays="" if connu else compte.code_pays_naissance)
    else:
        donnees.update(lieu="france", code_commune=compte.code_commune_naissance)
    return donnees


def _texte(valeur: str | None) -> str | None:
    return (valeur or "").strip() or None


def _identite_civile(form: IdentiteForm) -> recuperation.IdentiteCivile:
    en_france = form.lieu.data == "france"
    return recuperation.IdentiteCivile(
        nom_naissance=form.nom_naissance.data.strip(),
        nom_usage=_texte(form.nom_usage.data),
        prenoms=tuple(filter(None, map(_texte, (form.prenom_1.data, form.prenom_2.data,
                                                form.prenom_3.data)))),
        sexe=form.sexe.data,
        date_naissance=form.date_naissance.data,
        code_pays_naissance=form.code_pays_naissance(),
        code_commune_naissance=_texte(form.code_commune.data.upper()) if en_france else None,
        nom_commune_naissance=_texte(form.commune.data) if en_france else None,
        code_departement_naissance=_texte(form.departement.data) if en_france else None,
    )


def _rechercher(form, gabarit: str, rechercher, provenance: str):
    """Run a lookup the family asked for; on failure, the form again with why and what next."""
    echec = None
    if form.validate_on_submit():
        try:
            recuperee = rechercher()
        except recuperation.RecuperationImpossible as exc:
            db.session.commit()  # keeps the audit event of a refused numéro fiscal binding
            echec = exc.echec
        else:
            db.session.commit()
            propositions.retenir(recuperee)
            flash(f"Votre quotient familial a été obtenu {provenance} : "
                  f"{affichage.euros(recuperee.quotient.valeur)}.", "succes")
            return redirect(url_for("familles.quotient"), 303)
    return render_template(gabarit, form=form, echec=echec), 422 if form.errors or echec else 200


@bp.route("/quotient/identite", methods=["GET", "POST"])
@limiter.limit(LIMITE_RECHERCHES, key_func=_par_compte, methods=["POST"])
def quotient_identite():
    form = IdentiteForm(data=_identite_depuis_compte())
    return _rechercher(
        form, "familles/quotient_identite.html",
        lambda: recuperation.recuperer_par_identite(current_user, _identite_civile(form),
                                                    contexte.clients()),
        "auprès de la CAF ou de la MSA")


@bp.route("/quotient/numero-fiscal", methods=["GET", "POST"])
@limiter.limit(LIMITE_RECHERCHES, key_func=_par_compte, methods=["POST"])
def quotient_numero_fiscal():
    form = NumeroFiscalForm()
    return _rechercher(
        form, "familles/quotient_numero_fiscal.html",
        lambda: recuperation.recuperer_par_numero_fiscal(
            current_user, form.numero_normalise(), contexte.clients(), date.today()),
        "auprès des impôts")


@bp.route("/quotient/justificatif", methods=["GET", "POST"])
@limiter.limit(LIMITE_RECHERCHES, key_func=_par_compte, methods=["POST"])
def quotient_justificatif():
    form = JustificatifForm()
    taille_max = contexte.config().justificatif_taille_max
    if form.validate_on_submit():
        try:
            justificatifs.deposer_justificatif(current_user.famille_id, form.nature.data,
                                         form.fichier.data.read(taille_max + 1), taille_max)
        except justificatifs.JustificatifRefuse as exc:
            form.fichier.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Votre justificatif a été transmis. Un agent de la mairie le vérifiera ; en "
                  "attendant, le tarif sans quotient familial s’applique.", "succes")
            return redirect(url_for("familles.quotient"), 303)
    return render_template("familles/quotient_justificatif.html", form=form), \
        422 if form.errors else 200


@bp.post("/quotient/refus")
def quotient_refus():
    quotients.refuser(current_user.famille)
    db.session.commit()
    flash("C’est noté : le tarif sans quotient familial fixé par la commune s’applique "
          "désormais à chaque service. Vous pouvez changer d’avis à tout moment sur cette page.",
          "info")
    return redirect(url_for("familles.quotient"), 303)
