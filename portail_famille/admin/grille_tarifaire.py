"""The tariff grid in force, readable by an admin: periods, services, rules and version."""

from flask import render_template

from portail_famille.admin import bp
from portail_famille.services import grilles
from portail_famille.web import contexte


@bp.get("/grille")
def grille():
    chargee = contexte.grille_chargee()
    return render_template("admin/grille.html", grille=chargee.grille, sha256=chargee.sha256,
                           version=grilles.version(chargee.version_id))
