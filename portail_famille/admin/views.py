"""Administration (/admin): admins only."""

from flask import Blueprint
from flask import render_template

from portail_famille.auth import gardes

bp = Blueprint("admin", __name__, url_prefix="/admin")
gardes.proteger(bp, "admin")


@bp.get("/")
def accueil():
    return render_template("admin/accueil.html")
