"""Bookings: the month's calendar of each enrolment, where a family books or cancels single days
until the service's cut-off (checked again here, whatever the page showed)."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.familles.forms import ReservationJourForm
from portail_famille.services import foyers
from portail_famille.services import reservations
from portail_famille.web import affichage
from portail_famille.web import contexte

_MOIS = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def _mois_demande(texte: str | None, aujourd_hui: date) -> tuple[int, int]:
    """The month of `?mois=AAAA-MM`, or this month when absent or not a month."""
    trouve = _MOIS.fullmatch(texte or "")
    if trouve is None or not 2000 <= int(trouve[1]) <= 2100:
        return aujourd_hui.year, aujourd_hui.month
    return int(trouve[1]), int(trouve[2])


def _voisins(annee: int, mois: int) -> tuple[str, str]:
    precedent = (annee, mois - 1) if mois > 1 else (annee - 1, 12)
    suivant = (annee, mois + 1) if mois < 12 else (annee + 1, 1)
    return f"{precedent[0]}-{precedent[1]:02d}", f"{suivant[0]}-{suivant[1]:02d}"


def _page(annee: int, mois: int, erreur: tuple[int, date, str] | None = None):
    """The month's page; with `erreur`, a change refused (409: the day's state forbids it, or
    the buttons' hidden fields were tampered with), its message next to the day."""
    maintenant = datetime.now(UTC)
    calendriers = reservations.mois_de_la_famille(
        current_user.famille_id, annee, mois, contexte.calendrier(), contexte.grille(),
        maintenant)
    precedent, suivant = _voisins(annee, mois)
    return render_template("familles/reservations.html", calendriers=calendriers,
                           mois=date(annee, mois, 1), precedent=precedent, suivant=suivant,
                           form=ReservationJourForm(formdata=None), erreur=erreur,
                           ), 409 if erreur else 200


@bp.get("/reservations", endpoint="reservations")
def mois_des_reservations():
    annee, mois = _mois_demande(request.args.get("mois"), date.today())
    return _page(annee, mois)


@bp.post("/reservations", endpoint="reservation_changer")
def changer_un_jour():
    form = ReservationJourForm()
    if not form.validate_on_submit():
        annee, mois = _mois_demande(None, date.today())
        return _page(annee, mois, (0, date.today(), "Ce jour n’a pas pu être modifié : "
                                                   "rouvrez la page et recommencez."))
    jour, reserver = form.jour.data, form.action.data == "reserver"
    try:
        reservation = reservations.changer(
            current_user.famille_id, form.inscription.data, jour, reserver, current_user,
            contexte.calendrier(), contexte.grille(), datetime.now(UTC))
    except (foyers.Introuvable, reservations.ReservationRefusee) as refus:
        db.session.rollback()
        message = str(refus) or "Ce jour ne se réserve pas pour votre foyer."
        return _page(jour.year, jour.month, (form.inscription.data, jour, message))
    db.session.commit()
    flash(f"{reservation.inscription.enfant.prenom} : le {affichage.jour_et_date(jour)} est "
          f"{'réservé' if reserver else 'annulé'}.", "succes")
    return redirect(url_for("familles.reservations", mois=f"{jour:%Y-%m}",
                            _anchor=f"jour-{form.inscription.data}-{jour.isoformat()}"), 303)
