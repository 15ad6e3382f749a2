"""The agents' home page."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import render_template

from portail_famille.mairie import bp
from portail_famille.services import listes_de_travail
from portail_famille.web import contexte


@bp.get("/")
def accueil():
    return render_template("mairie/accueil.html", listes=listes_de_travail.decompter(
        contexte.grille(), date.today(), datetime.now(UTC)))
