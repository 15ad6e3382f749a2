"""« Mes tarifs »: each child's price in each service, and « Pourquoi ce tarif ? »."""

from datetime import date

from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille.familles import bp
from portail_famille.familles.commun import etat_courant
from portail_famille.services import tarifs_famille
from portail_famille.web import contexte


@bp.get("/tarifs")
def tarifs():
    liens = tarifs_famille.Liens(quotient=url_for("familles.quotient"),
                                 foyer=url_for("familles.foyer"))
    resultat = tarifs_famille.tarifs_du_foyer(
        current_user.famille, contexte.grille(), etat_courant(), date.today(), liens)
    return render_template("familles/tarifs.html", tarifs=resultat, famille=current_user.famille)
