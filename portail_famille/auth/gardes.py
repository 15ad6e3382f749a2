"""Who may see what: one audience per blueprint, denied by default (securite.md A1)."""

from flask import abort
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portail_famille.extensions import db
from portail_famille.extensions import login_manager
from portail_famille.models import Compte

# Blueprints anyone may reach; an endpoint in none of the known audiences answers 403.
PUBLICS = {"public", "auth", "bac_a_sable"}
PAGE_DE_CONNEXION = {"famille": "auth.connexion", "agent": "auth.connexion_personnel",
                     "admin": "auth.connexion_personnel"}


def proteger(blueprint, *roles: str) -> None:
    """Install the guard of an audience blueprint: its views never have to remember it."""
    connexion = PAGE_DE_CONNEXION[roles[0]]

    @blueprint.before_request
    def garde():
        if not current_user.is_authenticated:
            # The browser still held a session that timed out: the sign-in page says why,
            # from the address alone (no new session is opened to carry the message).
            expiree = {"expiree": "1"} if getattr(session, "cookie_perime", False) else {}
            return redirect(url_for(connexion, next=request.full_path.rstrip("?"), **expiree))
        if current_user.role not in roles:
            abort(403)
        return None

    blueprint.audience = roles


def init_app(app) -> None:
    """Flask-Login, plus the app-wide refusal of endpoints that belong to no known audience."""
    login_manager.init_app(app)
    # Sessions are renewed by the portal itself at sign-in (S2); Flask-Login's own
    # protection would only add a fingerprint of the IP address.
    login_manager.session_protection = None

    @login_manager.user_loader
    def charger(identifiant: str):
        # The household comes with the account: every family page reads it.
        compte = db.session.get(Compte, int(identifiant), options=[joinedload(Compte.famille)]) \
            if identifiant.isdigit() else None
        return compte if compte is not None and compte.actif else None

    @app.before_request
    def refuser_par_defaut():
        if request.endpoint is None or request.endpoint == "static":
            return None
        nom = (request.blueprint or "").split(".")[0]
        if nom in PUBLICS or hasattr(app.blueprints.get(nom), "audience"):
            return None
        abort(403)
