"""What every blueprint shares: error pages, template filters and context, form pieces, HTTP
hardening, the session-held proposals, the charts."""

from portail_famille.web import affichage
from portail_famille.web import contexte
from portail_famille.web import pages_erreur
from portail_famille.web import securite_http


def init_app(app, config) -> None:
    """Install the shared web pieces on `app`."""
    securite_http.init_app(app, config)
    pages_erreur.init_app(app)
    affichage.init_app(app)
    contexte.init_app(app)
