"""Public pages: home, rate simulator, its JSON twin, legal and accessibility pages."""

from datetime import date

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from portail_famille.extensions import limiter
from portail_famille.public import graphiques
from portail_famille.public.forms import SimulationForm
from portail_famille.services import grilles
from portail_famille.services import tarifs

bp = Blueprint("public", __name__)

LIMITE_SIMULATEUR = "60 per minute"


def grille_en_vigueur() -> grilles.GrilleChargee:
    return current_app.extensions["grille"].obtenir()


@bp.app_context_processor
def contexte_commun():
    return {
        "portail": current_app.extensions["portail"],
        "commune": grille_en_vigueur().grille.commune,
    }


@bp.get("/")
def accueil():
    return render_template("public/accueil.html")


@bp.get("/simulateur")
@limiter.limit(LIMITE_SIMULATEUR)
def simulateur():
    grille = grille_en_vigueur().grille
    aujourd_hui = date.today()
    form = SimulationForm(request.args)
    form.periode.choices = [(p.debut.isoformat(), p.libelle) for p in grille.periodes]
    periode = _periode_choisie(grille, form.periode.data, aujourd_hui)
    if periode is not None and not form.periode.data:
        form.periode.data = periode.debut.isoformat()
    lignes = situation = None
    if request.args and form.validate() and periode is not None:
        try:
            situation = tarifs.Situation(_qf(form), form.hors_commune.data, form.rang.data or 1)
            lignes = [(ligne, _graphique(ligne, situation.qf))
                      for ligne in tarifs.tarifer_periode(periode, situation)]
        except tarifs.QuotientIncalculable:
            # Only absurd magnitudes get here: the form has already refused the rest.
            champ = form.rfr if form.mode.data == "rfr" else form.qf
            champ.errors.append("Ce montant est trop grand pour calculer un tarif.")
            lignes = situation = None
    return render_template(
        "public/simulateur.html", form=form, periode=periode, lignes=lignes,
        situation=situation, grille=grille, aujourd_hui=aujourd_hui,
    ), 200 if not form.errors else 422


def _qf(form: SimulationForm):
    if form.mode.data == "rfr":
        return tarifs.qf_depuis_revenus(form.rfr.data, form.parts.data)
    return form.qf.data


def _periode_choisie(grille, choix: str | None, aujourd_hui: date):
    for periode in grille.periodes:
        if choix and periode.debut.isoformat() == choix:
            return periode
    try:
        return tarifs.periode_a(grille, aujourd_hui)
    except tarifs.PeriodeIntrouvable:
        return grille.periodes[0] if grille.periodes else None


def _graphique(ligne: tarifs.LigneTarif, qf):
    repere = (qf, ligne.prix_bareme) if qf is not None else None
    return graphiques.tracer(f"graphique-{ligne.code}", ligne.courbe, ligne.qf_max, repere)


@bp.get("/api/tarifs")
def api_tarifs():
    chargee = grille_en_vigueur()
    return jsonify({"version": chargee.sha256, **grilles.grille_en_json(chargee.grille)})


@bp.get("/api/simulation")
@limiter.limit(LIMITE_SIMULATEUR)
def api_simulation():
    try:
        situation, le = _situation_depuis_requete(request.args)
        resultat = tarifs.simuler_json(grille_en_vigueur().grille, le, situation)
    except ValueError as erreur:  # QuotientIncalculable included
        return jsonify({"erreur": str(erreur)}), 400
    except tarifs.PeriodeIntrouvable as erreur:
        return jsonify({"erreur": str(erreur)}), 404
    return current_app.response_class(
        tarifs.en_json(resultat) + "\n", mimetype="application/json"
    )


def _situation_depuis_requete(args) -> tuple[tarifs.Situation, date]:
    """Read the query string of /api/simulation; raise ValueError with a French message."""
    le = tarifs.lire_date(args.get("date"))
    rang = tarifs.lire_rang(args.get("rang", "1"))
    hors_commune = _booleen(args, "hors_commune")
    qf = tarifs.lire_qf(
        qf=args.get("qf"), rfr=args.get("rfr"), parts=args.get("parts"),
        sans_quotient=_booleen(args, "sans_quotient"),
    )
    return tarifs.Situation(qf, hors_commune, rang), le


VRAI = {"1", "true", "oui", "y", "yes", "on"}
FAUX = {"0", "false", "non", "n", "no", "off", ""}


def _booleen(args, nom: str) -> bool:
    # An unknown value is refused: read as false, it would quietly give the resident price.
    valeur = args.get(nom, "0").strip().lower()
    if valeur not in VRAI | FAUX:
        raise ValueError(f"{nom} invalide « {args[nom]} » (attendu : 1 ou 0)")
    return valeur in VRAI


@bp.get("/accessibilite")
def accessibilite():
    return render_template("public/accessibilite.html")


@bp.get("/donnees-personnelles")
def donnees_personnelles():
    return render_template("public/donnees_personnelles.html")


@bp.get("/mentions-legales")
def mentions_legales():
    return render_template("public/mentions_legales.html")
