"""The JSON twin of the simulator, for other services: the grid in force, and a simulation."""

from datetime import date

from flask import current_app
from flask import jsonify
from flask import request

from portail_famille.extensions import limiter
from portail_famille.public import bp
from portail_famille.public.commun import LIMITE_SIMULATEUR
from portail_famille.services import grilles
from portail_famille.services import tarifs
from portail_famille.web import contexte

VRAI = {"1", "true", "oui", "y", "yes", "on"}
FAUX = {"0", "false", "non", "n", "no", "off", ""}


@bp.get("/api/tarifs")
def api_tarifs():
    chargee = contexte.grille_chargee()
    return jsonify({"version": chargee.sha256, **grilles.grille_en_json(chargee.grille)})


@bp.get("/api/simulation")
@limiter.limit(LIMITE_SIMULATEUR)
def api_simulation():
    try:
        situation, le = _situation_depuis_requete(request.args)
        resultat = tarifs.simuler_json(contexte.grille(), le, situation)
    except ValueError as erreur:  # QuotientIncalculable included
        return jsonify({"erreur": str(erreur)}), 400
    except tarifs.PeriodeIntrouvable as erreur:
        return jsonify({"erreur": str(erreur)}), 404
    return current_app.response_class(
        tarifs.en_json(resultat) + "\n", mimetype="application/json"
    )


def _situation_depuis_requete(args) -> tuple[tarifs.Situation, date]:
    """Read the query string of /api/simulation; raise ValueError with a French message."""
    le = tarifs.lire_date(args.get("date"), date.today())
    rang = tarifs.lire_rang(args.get("rang", "1"))
    hors_commune = _booleen(args, "hors_commune")
    qf = tarifs.lire_qf(
        qf=args.get("qf"), rfr=args.get("rfr"), parts=args.get("parts"),
        sans_quotient=_booleen(args, "sans_quotient"),
    )
    return tarifs.Situation(qf, hors_commune, rang), le


def _booleen(args, nom: str) -> bool:
    # An unknown value is refused: read as false, it would quietly give the resident price.
    valeur = args.get(nom, "0").strip().lower()
    if valeur not in VRAI | FAUX:
        raise ValueError(f"{nom} invalide « {args[nom]} » (attendu : 1 ou 0)")
    return valeur in VRAI
