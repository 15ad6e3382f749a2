"""PayFiP's calls to the portal (payfip.md): the notification of a payment's end, and the
payer's browser coming back. Both are public, without a form token (PayFiP posts them), and only
hints: the detail call decides what the payment became."""

import logging

from flask import Response
from flask import redirect
from flask import request
from flask import url_for

from portail_famille.extensions import csrf
from portail_famille.extensions import db
from portail_famille.public import bp
from portail_famille.services import paiements
from portail_famille.web import contexte

journal = logging.getLogger(__name__)


@bp.post(paiements.CHEMIN_NOTIFICATION)
@csrf.exempt
def notification_payfip():
    # Only the idOp is read: whatever else the request says is not trusted (payfip.md). The
    # answer is the same for any idOp, known or not: it tells a caller nothing.
    operation = paiements.traiter_notification(
        contexte.payfip(), request.form.get("idop") or request.form.get("idOp"))
    if operation is None:
        journal.warning("notification PayFiP pour une opération inconnue")
    db.session.commit()
    return Response("OK", 200, mimetype="text/plain")


@bp.route(paiements.CHEMIN_RETOUR, methods=["GET", "POST"])
@csrf.exempt
def retour_payfip(reference: str):
    # PayFiP may send the browser back with a cross-site POST, which carries no SameSite=Lax
    # cookie: a 303 turns it into a GET that does, to the household's own page.
    return redirect(url_for("familles.paiement", reference=reference), 303)
