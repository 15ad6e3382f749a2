"""Attendance on a tablet: choose a school, a service and a day, then mark each child. Each
mark is its own POST, idempotent; static/js/pointage.js queues the marks made offline and
sends them again, and without JavaScript every button is a plain form."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.forms import ChoixPointageForm
from portail_famille.mairie.forms import MarqueForm
from portail_famille.services import presences
from portail_famille.web import contexte


def _en_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(adresse: MultiDict | None, erreur: tuple[int, str] | None = None):
    """The page, with the list of `adresse` (school, service, day) when it names a valid one."""
    choix = _choix(adresse)
    liste = None
    if adresse and choix.validate():
        liste = presences.liste_du_jour(choix.ecole.data, choix.service.data, choix.jour.data,
                                       contexte.calendrier(), contexte.grille(),
                                       datetime.now(UTC), current_user)
        # The day's bookings generated on first sight, and the consultations recorded.
        db.session.commit()
    return render_template("mairie/pointage.html", choix=choix, liste=liste,
                           marque=MarqueForm(formdata=None), erreur=erreur,
                           etats=presences.ETATS_RESERVES, libelles=presences.ETATS_POINTAGE,
                           sans_reservation=presences.SANS_RESERVATION,
                           ), 422 if erreur or choix.errors else 200


def _choix(formdata) -> ChoixPointageForm:
    choix = ChoixPointageForm(formdata, data={"jour": date.today()})
    choix.ecole.choices = [("", "Choisissez une école")] + [(e, e) for e in presences.ecoles()]
    jour = choix.jour.data if isinstance(choix.jour.data, date) else date.today()
    choix.service.choices = list(presences.services_du_jour(contexte.grille(), jour).items())
    return choix


@bp.get("/pointage", endpoint="pointage")
def liste_de_pointage():
    return _page(request.args or None)


@bp.post("/pointage", endpoint="pointage_marquer")
def marquer():
    marque = MarqueForm()
    if not marque.validate_on_submit():
        message = "Ce pointage n’a pas pu être enregistré : rouvrez la liste et recommencez."
        if _en_json():
            return jsonify(erreur=message), 422
        return _page(None, (0, message))
    try:
        fait = presences.marquer(marque.ecole.data, marque.service.data, marque.jour.data,
                                marque.enfant.data, marque.etat.data, current_user,
                                contexte.calendrier(), contexte.grille(), datetime.now(UTC))
    except presences.PointageRefuse as refus:
        db.session.rollback()
        if _en_json():
            return jsonify(erreur=str(refus)), 409
        adresse = MultiDict({"ecole": marque.ecole.data, "service": marque.service.data,
                             "jour": marque.jour.data.isoformat()})
        return _page(adresse, (marque.enfant.data, str(refus)))
    db.session.commit()
    if _en_json():
        return jsonify(enfant=fait.enfant_id, etat=fait.etat, libelle=fait.libelle_etat)
    return redirect(url_for("mairie.pointage", ecole=marque.ecole.data,
                            service=marque.service.data, jour=marque.jour.data.isoformat(),
                            _anchor=f"enfant-{fait.enfant_id}"), 303)
