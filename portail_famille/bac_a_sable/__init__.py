"""The sandbox: a FranceConnect-like provider and simulators of both data APIs.

Mounted only when PORTAIL_BAC_A_SABLE=1 (demo and tests); in production none of its routes
exists (securite.md O14). The real relying party and connectors talk to it over HTTP, with
nothing but their base URLs and credentials changed.
"""

from flask import Blueprint

PREFIXE = "/bac-a-sable"


def init_app(app, config) -> None:
    """Register the sandbox blueprints under /bac-a-sable."""
    # Imported here so that a production process never even loads the sandbox's code.
    from portail_famille.bac_a_sable import api_particulier
    from portail_famille.bac_a_sable import franceconnect
    from portail_famille.bac_a_sable import impot_particulier

    parent = Blueprint("bac_a_sable", __name__, url_prefix=PREFIXE)
    parent.register_blueprint(franceconnect.bp)
    parent.register_blueprint(api_particulier.bp)
    parent.register_blueprint(impot_particulier.bp)
    app.register_blueprint(parent)
    franceconnect.init_app(app, config)
    api_particulier.init_app(app, config)
    impot_particulier.init_app(app, config)
