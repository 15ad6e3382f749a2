"""« Mes données »: what the portal holds on the household, its JSON export, and the account
deletion request (securite.md G2)."""

import json
from datetime import UTC
from datetime import datetime

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.forms import DemandeSuppressionForm
from portail_famille.services import donnees
from portail_famille.services import effacement


def _page(form: DemandeSuppressionForm, statut: int = 200):
    famille_id = current_user.famille_id
    export = donnees.exporter(famille_id, datetime.now(UTC))
    return render_template(
        "familles/donnees.html", resume=donnees.resumer(export), form=form,
        consultations=donnees.lister_consultations(famille_id),
        demande=donnees.trouver_demande_en_cours(famille_id),
        refusee=effacement.derniere_refusee(famille_id)), statut


@bp.get("/donnees", endpoint="donnees")
def mes_donnees():
    return _page(DemandeSuppressionForm())


@bp.get("/donnees.json")
def donnees_json():
    maintenant = datetime.now(UTC)
    export = donnees.exporter(current_user.famille_id, maintenant)
    reponse = current_app.response_class(json.dumps(export, ensure_ascii=False, indent=2),
                                         mimetype="application/json")
    reponse.headers["Content-Disposition"] = (
        f'attachment; filename="mes-donnees-portail-famille-{maintenant:%Y-%m-%d}.json"')
    return reponse


@bp.post("/donnees/suppression")
def donnees_suppression():
    form = DemandeSuppressionForm()
    # A request already pending (a second tap, another adult) is the one the town hall has.
    if donnees.trouver_demande_en_cours(current_user.famille_id) is None:
        if not form.validate_on_submit():
            return _page(form, 422)
        donnees.demander_suppression(current_user.famille_id, current_user,
                                     form.precisions.data or "")
        db.session.commit()
    flash("Votre demande de suppression est enregistrée. La mairie vous répondra dans un délai "
          "d’un mois.", "succes")
    return redirect(url_for("familles.donnees"), 303)
