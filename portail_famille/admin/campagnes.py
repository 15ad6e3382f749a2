"""The yearly QF renewal campaign: start it, follow it, read its report."""

from datetime import UTC
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from portail_famille import travaux
from portail_famille.admin import bp
from portail_famille.admin.forms import CampagneRenouvellementForm
from portail_famille.extensions import db
from portail_famille.models import Tache
from portail_famille.services import renouvellement
from portail_famille.travaux import renouvellement_annuel as campagnes
from portail_famille.web import contexte

CAMPAGNES_AFFICHEES = 10


def _campagne(tache_id: int) -> Tache:
    tache = db.session.get(Tache, tache_id)
    if tache is None or tache.nature != campagnes.NATURE:
        abort(404)
    return tache


def _page(form, statut: int = 200):
    grille = contexte.grille()
    avant = form.avant.data or _date_par_defaut()
    recentes = list(db.session.scalars(sa.select(Tache).where(Tache.nature == campagnes.NATURE)
                                       .order_by(Tache.id.desc()).limit(CAMPAGNES_AFFICHEES)))
    return render_template(
        "admin/renouvellement.html", form=form, avant=avant,
        concernees=len(renouvellement.cibles(grille, avant, date.today(), datetime.now(UTC))),
        campagnes=[(tache, renouvellement.bilan(tache.id)) for tache in recentes],
        caf="caf" in grille.sources), statut


def _date_par_defaut() -> date:
    periode = renouvellement.prochaine_periode(contexte.grille(), date.today())
    if periode is not None:
        return periode.debut
    # No period voted yet: the usual start of the next school year.
    aujourd_hui = date.today()
    return date(aujourd_hui.year + (aujourd_hui.month >= 9), 9, 1)


@bp.get("/renouvellement")
def renouvellement_accueil():
    form = CampagneRenouvellementForm(formdata=None, avant=_date_par_defaut())
    return _page(form)


@bp.post("/renouvellement")
def renouvellement_lancer():
    form = CampagneRenouvellementForm()
    if not form.validate():
        return _page(form, 422)
    if "caf" not in contexte.grille().sources:
        abort(409)
    tache = campagnes.lancer(form.avant.data, lancee_par_id=current_user.id)
    db.session.commit()
    travaux.envoyer(tache)
    return redirect(url_for("admin.renouvellement_campagne", tache_id=tache.id), 303)


@bp.get("/renouvellement/<int:tache_id>")
def renouvellement_campagne(tache_id: int):
    tache = _campagne(tache_id)
    return render_template("admin/renouvellement_campagne.html", tache=tache,
                           bilan=renouvellement.bilan(tache.id),
                           en_cours=campagnes.en_cours(tache),
                           echecs=renouvellement.echecs(tache.id),
                           raisons=renouvellement.RAISONS)


@bp.get("/renouvellement/<int:tache_id>/etat")
def renouvellement_etat(tache_id: int):
    # Read by static/js/suivi.js while the campaign runs.
    tache = _campagne(tache_id)
    bilan = renouvellement.bilan(tache.id)
    return jsonify({"avance": bilan.faits, "total": bilan.total,
                    "termine": not campagnes.en_cours(tache),
                    "texte": f"{bilan.faits} foyers traités sur {bilan.total}"})
