"""The family area (/espace-famille): only a signed-in family adult, only their own household."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask_login import current_user

from portail_famille import recuperations
from portail_famille.auth import gardes
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.services import revenus
from portail_famille.services import tarifs
from portail_famille.services import tarifs_famille

bp = Blueprint("familles", __name__, url_prefix="/espace-famille")
gardes.proteger(bp, "famille")


def etat_courant() -> revenus.EtatQuotient:
    """The QF that prices the signed-in family's services now, or why there is none."""
    grille = current_app.extensions["grille"].obtenir().grille
    return revenus.etat_quotient(current_user.famille, grille.sources, grille.validite_mois,
                                 datetime.now(UTC))


@bp.get("/")
def accueil():
    etat = etat_courant()
    grille = current_app.extensions["grille"].obtenir().grille
    # The same residence rule as « Mes tarifs », for one child before any sibling reduction.
    hors_commune = tarifs_famille.est_hors_commune(current_user.famille)
    try:
        periode = tarifs.periode_a(grille, date.today())
    except PeriodeIntrouvable:
        periode, lignes = None, []
    else:
        lignes = tarifs.tarifer_periode(periode, tarifs.Situation(etat.qf, hors_commune))
    return render_template("familles/accueil.html", compte=current_user, etat=etat,
                           echecs=recuperations.echecs(), periode=periode, lignes=lignes,
                           hors_commune=hors_commune)


@bp.context_processor
def regle_sans_quotient():
    # Every page that says which price applies without a QF words it from the grid in force.
    grille = current_app.extensions["grille"].obtenir().grille
    return {"sans_quotient_le_plus_eleve": tarifs_famille.sans_quotient_le_plus_eleve(
        grille, date.today())}


@bp.app_context_processor
def navigation():
    return {"navigation_famille": [
        ("familles.quotient", "Mon quotient familial"),
        ("familles.foyer", "Mon foyer"),
        ("familles.enfants", "Mes enfants"),
        ("familles.inscriptions", "Inscriptions"),
        ("familles.tarifs", "Mes tarifs"),
        ("familles.donnees", "Mes données"),
    ]}
