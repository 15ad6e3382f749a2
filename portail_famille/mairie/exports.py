"""The billing export (issue 10.7): a period and a month, downloaded as CSV or XLSX."""

from datetime import UTC
from datetime import datetime

from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.forms import ExportForm
from portail_famille.services import audit
from portail_famille.services import lignes_tarifaires
from portail_famille.web import contexte

TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.get("/exports")
def exports():
    chargee = contexte.grille_chargee()
    maintenant_ = datetime.now(UTC)
    form = ExportForm(request.args if request.args else None, grille=chargee.grille,
                      maintenant_=maintenant_)
    if not request.args or not form.validate():
        if not request.args:
            form.mois.data = f"{maintenant_:%Y-%m}"
        return render_template("mairie/exports.html", form=form), 422 if form.errors else 200
    lignes = lignes_tarifaires.calculer(
        lignes_tarifaires.charger(form.periode_choisie), chargee.grille,
        form.periode_choisie, form.moment, chargee.sha256)
    # Every family's prices and QF leave the portal: the journal says who took them.
    audit.consigner(lignes_tarifaires.EVENEMENT, compte_id=current_user.id,
                    detail=f"{form.periode_choisie.debut.isoformat()} {form.mois.data} "
                           f"{form.format.data}, {len(lignes)} lignes")
    db.session.commit()
    contenu = (lignes_tarifaires.en_csv(lignes) if form.format.data == "csv"
               else lignes_tarifaires.en_xlsx(lignes))
    reponse = current_app.response_class(contenu, mimetype=TYPES[form.format.data])
    nom = f"facturation-{form.periode_choisie.debut.isoformat()}-{form.mois.data}"
    reponse.headers["Content-Disposition"] = f'attachment; filename="{nom}.{form.format.data}"'
    # Names and prices of families: never kept in a shared cache.
    reponse.headers["Cache-Control"] = "no-store"
    return reponse
