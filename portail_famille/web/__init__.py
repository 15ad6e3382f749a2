"""What every blueprint shares: error pages, template filters and context, form pieces, HTTP
hardening, the session-held proposals, the charts."""

from portail_famille.web import affichage
from portail_famille.web import contexte
from portail_famille.web import fichiers_statiques
from portail_famille.web import journal_http
from portail_famille.web import pages_erreur
from portail_famille.web import securite_http
from portail_famille.web import suivi_des_erreurs


def init_app(app, config, journal_json: bool = False) -> None:
    """Install the shared web pieces on `app`; `journal_json` for a process that serves."""
    # First: every request has its id before any other hook may answer it.
    journal_http.init_app(app)
    if journal_json:
        journal_http.installer_format_json()
    suivi_des_erreurs.init_app(config)
    securite_http.init_app(app, config)
    pages_erreur.init_app(app)
    affichage.init_app(app)
    contexte.init_app(app)
    fichiers_statiques.init_app(app)
