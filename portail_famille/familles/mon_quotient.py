"""Income pages: the family's QF and its provenance, and every way to provide it.

Without usable FranceConnect data the family is offered, in this order: the identity lookup,
the numéro fiscal lookup, a supporting document for an agent, or refusing (the grid's
sans_quotient price then applies, and the family is told so).
"""

import contextlib
from datetime import UTC
from datetime import date
from datetime import datetime

from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.commun import compter_recherche
from portail_famille.familles.commun import etat_courant
from portail_famille.familles.commun import recherche_permise_a_partir_de
from portail_famille.familles.commun import recuperation_en_cours
from portail_famille.familles.forms import PAYS
from portail_famille.familles.forms import IdentiteForm
from portail_famille.familles.forms import JustificatifForm
from portail_famille.familles.forms import NumeroFiscalForm
from portail_famille.services import justificatifs
from portail_famille.services import quotients
from portail_famille.services import recuperation
from portail_famille.services import renouvellement
from portail_famille.web import affichage
from portail_famille.web import contexte
from portail_famille.web import propositions
from portail_famille.web.pages_erreur import page_erreur


@bp.get("/quotient")
def quotient():
    return render_template(
        "familles/quotient.html", etat=etat_courant(), echecs=propositions.echecs(),
        historique=quotients.lister_quotients(current_user.famille_id),
        sources=contexte.grille().sources, recuperation_en_cours=recuperation_en_cours(),
        refus=justificatifs.dernier_refus(current_user.famille_id),
    )


@bp.get("/quotient/recuperation")
def quotient_recuperation():
    # Read by static/js/suivi.js while a background lookup runs: the page reloads when done.
    en_cours = recuperation_en_cours()
    return jsonify({"en_cours": en_cours, "termine": not en_cours})


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
        code_commune_naissance=_texte(form.code_commune.data) if en_france else None,
        nom_commune_naissance=_texte(form.commune.data) if en_france else None,
        code_departement_naissance=_texte(form.departement.data) if en_france else None,
    )


def _trop_de_recherches(gabarit: str, form, jusqu_a):
    """The form again, as typed, and when the family may try again (429, Retry-After)."""
    attente = max(1, round((jusqu_a - datetime.now(UTC)).total_seconds()))
    message = ("Vous avez fait beaucoup de demandes en une heure : par sécurité, vous pourrez "
               f"réessayer à partir de {affichage.heure(jusqu_a)}. Ce que vous avez saisi est "
               "conservé ci-dessous.")
    return render_template(gabarit, form=form, echec=None, quota=message,
                           etat=etat_courant()), 429, \
        {"Retry-After": str(attente)}


def _rechercher(form, gabarit: str, rechercher, provenance: str):
    """Run a lookup the family asked for; on failure, the form again with why and what next."""
    echec = None
    if form.validate_on_submit():
        jusqu_a = recherche_permise_a_partir_de()
        if jusqu_a is not None:
            return _trop_de_recherches(gabarit, form, jusqu_a)
        compter_recherche()
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
    return render_template(gabarit, form=form, echec=echec, quota=None), \
        422 if form.errors or echec else 200


@bp.route("/quotient/identite", methods=["GET", "POST"])
def quotient_identite():
    form = IdentiteForm(data=_identite_depuis_compte())
    return _rechercher(
        form, "familles/quotient_identite.html",
        lambda: recuperation.recuperer_par_identite(current_user, _identite_civile(form),
                                                    contexte.clients()),
        "auprès de la CAF ou de la MSA")


@bp.route("/quotient/numero-fiscal", methods=["GET", "POST"])
def quotient_numero_fiscal():
    form = NumeroFiscalForm()
    return _rechercher(
        form, "familles/quotient_numero_fiscal.html",
        lambda: recuperation.recuperer_par_numero_fiscal(
            current_user, form.numero_normalise(), contexte.clients(), date.today()),
        "auprès des impôts")


def _page_justificatif(form, statut: int = 200, quota: str | None = None):
    return render_template("familles/quotient_justificatif.html", form=form, quota=quota,
                           etat=etat_courant()), statut


@bp.route("/quotient/justificatif", methods=["GET", "POST"])
def quotient_justificatif():
    form = JustificatifForm()
    taille_max = contexte.config().justificatif_taille_max
    if form.validate_on_submit():
        jusqu_a = recherche_permise_a_partir_de()
        if jusqu_a is not None:
            return _trop_de_recherches("familles/quotient_justificatif.html", form, jusqu_a)
        try:
            justificatifs.deposer_justificatif(current_user.famille_id, form.nature.data,
                                               form.fichier.data.read(taille_max + 1),
                                               taille_max)
        except justificatifs.JustificatifRefuse as exc:
            form.fichier.errors.append(str(exc))
        else:
            compter_recherche()
            db.session.commit()
            flash(_apres_le_depot(), "succes")
            return redirect(url_for("familles.quotient"), 303)
    return _page_justificatif(form, 422 if form.errors else 200)


def _apres_le_depot() -> str:
    """What applies until the document is reviewed: the QF in force when there is one."""
    etat = etat_courant()
    if etat.qf is not None:
        return (f"Votre justificatif a été transmis. Un agent de la mairie le vérifiera ; en "
                f"attendant, votre quotient familial actuel ({affichage.euros(etat.qf)}) "
                "continue de fixer vos tarifs.")
    return ("Votre justificatif a été transmis. Un agent de la mairie le vérifiera ; en "
            "attendant, le tarif sans quotient familial s’applique.")


@bp.errorhandler(RequestEntityTooLarge)
def document_trop_lourd(erreur):
    """A file far beyond the limit is refused before the form can be read: the page says so
    next to the field, not on a generic error page."""
    if request.endpoint != "familles.quotient_justificatif":
        return page_erreur(413)
    form = JustificatifForm(formdata=None)
    form.fichier.errors = [justificatifs.trop_lourd(contexte.config().justificatif_taille_max)]
    return _page_justificatif(form, 413)


@bp.post("/quotient/renouvellement")
def quotient_renouvellement():
    oui = request.form.get("choix") == "oui"
    renouvellement.consentir(current_user.famille, oui, datetime.now(UTC))
    db.session.commit()
    flash("C’est noté : chaque année, avant la rentrée, la mairie renouvellera votre quotient "
          "familial auprès de la CAF et vous préviendra par courriel." if oui else
          "C’est noté : la mairie ne renouvellera plus votre quotient familial d’elle-même.",
          "info")
    return redirect(url_for("familles.quotient"), 303)


@bp.post("/quotient/refus")
def quotient_refus():
    quotients.refuser(current_user.famille)
    db.session.commit()
    flash("C’est noté : le tarif sans quotient familial fixé par la commune s’applique "
          "désormais à chaque service. Vous pouvez changer d’avis à tout moment sur cette page.",
          "info")
    return redirect(url_for("familles.quotient"), 303)
