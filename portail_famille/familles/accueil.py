"""The family's home page: the QF in force and the price of each service for one child."""

from datetime import date

from flask import render_template
from flask_login import current_user

from portail_famille.familles import bp
from portail_famille.familles.commun import etat_courant
from portail_famille.services import tarifs
from portail_famille.services import tarifs_famille
from portail_famille.web import contexte
from portail_famille.web import propositions


@bp.get("/")
def accueil():
    etat = etat_courant()
    grille = contexte.grille()
    # The same residence rule as « Mes tarifs », for one child before any sibling reduction.
    hors_commune = tarifs_famille.est_hors_commune(current_user.famille)
    try:
        periode = tarifs.periode_a(grille, date.today())
    except tarifs.PeriodeIntrouvable:
        periode, lignes = None, []
    else:
        lignes = tarifs.tarifer_periode(periode, tarifs.Situation(etat.qf, hors_commune))
    return render_template("familles/accueil.html", compte=current_user, etat=etat,
                           echecs=propositions.echecs(), periode=periode, lignes=lignes,
                           hors_commune=hors_commune)
