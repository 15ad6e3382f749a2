"""The sandbox's mailbox: the emails the portal would have sent, for whoever tries the demo
(no SMTP server there), with their text as the family would read it."""

from flask import Blueprint
from flask import render_template

from portail_famille.services import courriels

bp = Blueprint("boite_aux_lettres", __name__, url_prefix="/courriels")


@bp.get("/")
def courriels_envoyes():
    return render_template("bac_a_sable/courriels.html", courriels=courriels.boite_d_envoi())
