"""Health checks for the platform: `/sante` says the process answers, `/sante/pret` that it
can serve (`services.exploitation`). JSON, no session, no cause given to the caller."""

from flask import jsonify

from portail_famille.public import bp
from portail_famille.services import exploitation
from portail_famille.web import contexte


@bp.get("/sante")
def sante():
    return jsonify({"etat": "vivant"})


@bp.get("/sante/pret")
def sante_pret():
    resultats = exploitation.preparation(contexte.config().redis_url, contexte.grille_chargee)
    pret = all(etat == "ok" for etat in resultats.values())
    return jsonify({"pret": pret, "verifications": resultats}), 200 if pret else 503
