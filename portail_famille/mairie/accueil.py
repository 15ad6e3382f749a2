"""The agents' home page: find a family, and the worklists."""

from datetime import UTC
from datetime import datetime

from flask import render_template
from flask import request

from portail_famille.mairie import bp
from portail_famille.mairie.forms import RechercheForm
from portail_famille.services import recherche_familles
from portail_famille.travaux import recherche_differee
from portail_famille.web import contexte


@bp.get("/")
def accueil():
    form = RechercheForm(request.args)
    resultats, en_cours = None, set()
    if "q" in request.args and form.validate():
        grille = contexte.grille()
        resultats = recherche_familles.rechercher(
            form.criteres, request.args.get("page", 1, type=int), grille.sources,
            grille.validite_mois, datetime.now(UTC))
        # QFs fetched in the background after the rush (issue 12): « en cours » until done.
        en_cours = {r.famille.id for r in resultats.resultats
                    if recherche_differee.en_attente(r.famille.id) is not None}
    return render_template("mairie/accueil.html", form=form, resultats=resultats,
                           en_cours=en_cours), \
        422 if form.errors else 200
