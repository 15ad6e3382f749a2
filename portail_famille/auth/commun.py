"""What the sign-in pages share: opening a session, comparing returned values, the failure page."""

import hmac

from flask import redirect
from flask import session
from flask import url_for
from flask_login import login_user

from portail_famille.extensions import db
from portail_famille.services import audit

CLE_ECHEC = "connexion_echec"
ECHEC_PAR_DEFAUT = "La connexion avec FranceConnect n’a pas abouti."
# The failure page of a family offers FranceConnect again; a staff one, the staff sign-in.
REESSAYER_FAMILLE = "auth.connexion"
REESSAYER_PERSONNEL = "auth.connexion_personnel"


def meme_valeur(recu: str, attendu: str) -> bool:
    """Constant-time comparison of a value sent back by the browser with the stored one.

    On bytes: `hmac.compare_digest` raises TypeError on non-ASCII text, and a crafted state
    must be refused, never answered with a 500.
    """
    return hmac.compare_digest(recu.encode(), attendu.encode())


def ouvrir_session(compte) -> None:
    """A new session identifier at sign-in: nothing planted before it survives (S2)."""
    session.renouveler()
    login_user(compte)
    session["role"] = compte.role


def echouer(message: str, code_audit: str | None = None,
            reessayer: str = REESSAYER_FAMILLE):
    """No session is created; the message is shown on a page of its own (no code in its URL),
    with a way to try again (`reessayer`: an endpoint)."""
    if code_audit:
        audit.consigner("echec_connexion", detail=code_audit)
        db.session.commit()
    session[CLE_ECHEC] = {"message": message, "reessayer": reessayer}
    return redirect(url_for("auth.echec"), 303)
