"""The family's home page: the QF in force and the price of each service for one child."""

from datetime import date

from flask import render_template
from flask_login import current_user

from portail_famille.familles import bp
from portail_famille.familles.commun import etat_courant
from portail_famille.familles.commun import recuperation_en_cours
from portail_famille.services import foyers
from portail_famille.services import tarifs
from portail_famille.web import contexte
from portail_famille.web import propositions


@bp.get("/")
def accueil():
    etat = etat_courant()
    grille = contexte.grille()
    # The same residence rule as « Mes tarifs », for one child before any sibling reduction.
    residence = foyers.residence_du_foyer(current_user.famille, grille)
    hors_commune = residence.hors_commune
    try:
        periode = tarifs.periode_a(grille, date.today())
    except tarifs.PeriodeIntrouvable:
        periode, lignes = None, []
    else:
        lignes = tarifs.tarifer_periode(periode, tarifs.Situation(etat.qf, hors_commune))
    return render_template("familles/accueil.html", compte=current_user, etat=etat,
                           echecs=propositions.echecs(), periode=periode, lignes=lignes,
                           hors_commune=hors_commune, residence=residence,
                           # Only a missing QF can be on its way: one query saved on most visits.
                           recuperation_en_cours=etat.qf is None and recuperation_en_cours(),
                           adresse_de_la_caf=bool(propositions.propositions().get("adresse")))
