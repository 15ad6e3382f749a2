"""The administrators' home page."""

from flask import render_template

from portail_famille.admin import bp


@bp.get("/")
def accueil():
    return render_template("admin/accueil.html")
