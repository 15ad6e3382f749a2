"""Signing out, for every audience: the local session dies at once, then the federation's own
session (FranceConnect or ProConnect) when the person came through one (franceconnect.md §10)."""

import logging

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import logout_user

from portail_famille.auth import bp
from portail_famille.auth import oidc
from portail_famille.auth.commun import meme_valeur
from portail_famille.auth.federation import CLE_FEDERATION
from portail_famille.auth.federation import CLE_ID_TOKEN

journal = logging.getLogger(__name__)

CLE_DECONNEXION = "deconnexion_state"


@bp.post("/deconnexion")
def deconnexion():
    id_token = session.get(CLE_ID_TOKEN)
    # Sessions opened before ProConnect existed name no federation: FranceConnect's.
    client = current_app.extensions[session.get(CLE_FEDERATION, "franceconnect")]
    # The local session dies now, server-side: a copied cookie no longer opens anything (O13).
    session.renouveler()
    logout_user()
    if not id_token:
        return redirect(url_for("auth.deconnexion_retour"), 303)
    state = oidc.aleatoire()
    try:
        url = client.url_deconnexion(id_token, state)
    except oidc.ErreurOIDC:
        # A provider without end_session: the logout stays local, no state to wait for.
        return redirect(url_for("auth.deconnexion_retour"), 303)
    session[CLE_DECONNEXION] = state
    return redirect(url, 303)


@bp.get("/deconnexion/retour")
def deconnexion_retour():
    # POST /deconnexion already ended the local session and left only the logout state: that
    # session goes entirely here, whatever comes back (franceconnect.md §10.3). Without a
    # pending logout nothing is cleared: logout is a CSRF-checked POST, a GET never signs
    # anyone out (O13).
    attendu = session.get(CLE_DECONNEXION)
    recu = request.args.get("state")
    if attendu is not None:
        session.renouveler()
        verifie = recu is not None and meme_valeur(recu, attendu)
    else:
        # Only the local logout (no FranceConnect) lands here with nothing sent, nothing back.
        verifie = recu is None and not current_user.is_authenticated
    if not verifie:
        journal.warning("retour de déconnexion refusé : state %s",
                        "absent" if recu is None else "inattendu")
    return render_template("auth/deconnecte.html", verifie=verifie,
                           connecte=current_user.is_authenticated)
