"""The agents' home page."""

from flask import render_template

from portail_famille.mairie import bp


@bp.get("/")
def accueil():
    return render_template("mairie/accueil.html")
