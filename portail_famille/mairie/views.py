"""The agents' back office (/mairie): agents and admins only."""

from flask import Blueprint
from flask import render_template

from portail_famille.auth import gardes

bp = Blueprint("mairie", __name__, url_prefix="/mairie")
gardes.proteger(bp, "agent", "admin")


@bp.get("/")
def accueil():
    return render_template("mairie/accueil.html")
