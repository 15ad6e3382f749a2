"""The family area (/espace-famille): only a signed-in family adult, only their own household."""

from flask import Blueprint
from flask import render_template
from flask_login import current_user

from portail_famille.auth import gardes

bp = Blueprint("familles", __name__, url_prefix="/espace-famille")
gardes.proteger(bp, "famille")


@bp.get("/")
def accueil():
    return render_template("familles/accueil.html", compte=current_user)


@bp.app_context_processor
def navigation():
    return {"navigation_famille": []}
