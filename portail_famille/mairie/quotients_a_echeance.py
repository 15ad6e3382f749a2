"""The enrolled households whose QF ends within 30 days or has ended, and those whose yearly
renewal failed: the families to call or write to before the price without QF applies."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import render_template

from portail_famille.mairie import bp
from portail_famille.services import listes_de_travail
from portail_famille.web import contexte


@bp.get("/quotients-a-echeance")
def quotients_a_echeance():
    aujourd_hui = date.today()
    echeances = listes_de_travail.quotients_a_echeance(contexte.grille(), aujourd_hui,
                                                       datetime.now(UTC))
    return render_template(
        "mairie/quotients_a_echeance.html", echeances=echeances, aujourd_hui=aujourd_hui,
        foyers=listes_de_travail.noms_des_foyers(e.famille_id for e in echeances))
