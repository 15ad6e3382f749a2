"""The sandbox: FranceConnect-like and ProConnect-like providers, simulators of both data APIs
and of PayFiP.

Imported and mounted only when PORTAIL_BAC_A_SABLE=1 (demo and tests); in production none of
its code is loaded and none of its routes exists (securite.md O14). The real relying party and
connectors talk to it over HTTP, with nothing but their base URLs and credentials changed.
"""

from flask import Blueprint

PREFIXE = "/bac-a-sable"

# After PREFIXE, which the provider reads.
from portail_famille.bac_a_sable import boite_aux_lettres  # noqa: E402
from portail_famille.bac_a_sable import fournisseur_franceconnect  # noqa: E402
from portail_famille.bac_a_sable import fournisseur_proconnect  # noqa: E402
from portail_famille.bac_a_sable import simulateur_api_particulier  # noqa: E402
from portail_famille.bac_a_sable import simulateur_impot_particulier  # noqa: E402
from portail_famille.bac_a_sable import simulateur_payfip  # noqa: E402


def init_app(app, config) -> None:
    """Register the sandbox blueprints under /bac-a-sable."""
    parent = Blueprint("bac_a_sable", __name__, url_prefix=PREFIXE)
    parent.register_blueprint(fournisseur_franceconnect.blueprint("franceconnect"))
    parent.register_blueprint(fournisseur_franceconnect.blueprint("proconnect"))
    parent.register_blueprint(simulateur_api_particulier.bp)
    parent.register_blueprint(simulateur_impot_particulier.bp)
    parent.register_blueprint(simulateur_payfip.bp)
    parent.register_blueprint(boite_aux_lettres.bp)
    app.register_blueprint(parent)
    fournisseur_franceconnect.init_app(app, config)
    fournisseur_proconnect.init_app(app, config)
    simulateur_api_particulier.init_app(app, config)
    simulateur_impot_particulier.init_app(app, config)
