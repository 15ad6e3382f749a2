"""The home page and the legal pages."""

from flask import render_template

from portail_famille.public import bp


@bp.get("/")
def accueil():
    return render_template("public/accueil.html")


@bp.get("/accessibilite")
def accessibilite():
    return render_template("public/accessibilite.html")


@bp.get("/donnees-personnelles")
def donnees_personnelles():
    return render_template("public/donnees_personnelles.html")


@bp.get("/mentions-legales")
def mentions_legales():
    return render_template("public/mentions_legales.html")
