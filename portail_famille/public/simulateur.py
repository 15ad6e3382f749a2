"""The rate simulator: every service's price for a QF or an RFR with its shares, charted."""

from datetime import date

from flask import render_template
from flask import request

from portail_famille.extensions import limiter
from portail_famille.public import bp
from portail_famille.public.commun import LIMITE_SIMULATEUR
from portail_famille.public.forms import SimulationForm
from portail_famille.services import tarifs
from portail_famille.web import contexte
from portail_famille.web import graphiques


@bp.get("/simulateur")
@limiter.limit(LIMITE_SIMULATEUR)
def simulateur():
    grille = contexte.grille()
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
