"""A payment's page, where PayFiP sends the payer back: what the payment really became, asked
of PayFiP at each visit while it is not known (the notification may come later)."""

from flask import abort
from flask import render_template
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.familles import bp
from portail_famille.services import paiements
from portail_famille.web import contexte


@bp.get("/paiements/<reference>")
def paiement(reference: str):
    operation = paiements.operation_de_la_famille(reference, current_user.famille_id)
    if operation is None:
        abort(404)
    paiements.verifier(contexte.payfip(), operation)
    db.session.commit()
    return render_template("familles/paiement.html", operation=operation)
