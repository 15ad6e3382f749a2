"""portail-famille: the application factory."""

from pathlib import Path

import click
from flask import Flask
from jinja2 import StrictUndefined

from portail_famille import cli
from portail_famille import web
from portail_famille.admin import bp as admin
from portail_famille.auth import bp as auth
from portail_famille.auth import gardes
from portail_famille.auth.oidc import NIVEAU
from portail_famille.auth.oidc import NIVEAUX_SUPERIEURS
from portail_famille.auth.oidc import ClientOIDC
from portail_famille.auth.oidc import agent_proconnect
from portail_famille.auth.sessions import InterfaceSessionServeur
from portail_famille.config import RACINE_PROJET
from portail_famille.config import Configuration
from portail_famille.extensions import csrf
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.extensions import migrate
from portail_famille.familles import bp as familles
from portail_famille.mairie import bp as mairie
from portail_famille.public import bp as public
from portail_famille.services import calendriers
from portail_famille.services import clients_api
from portail_famille.services import grilles


def create_app(overrides: dict | None = None) -> Flask:
    """Build the portal; raise ConfigurationInvalide, GrilleInvalide or CalendrierInvalide rather
    than start broken."""
    overrides = dict(overrides or {})
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(overrides.pop("instance_path", RACINE_PROJET / "instance")),
    )
    pour_servir = _pour_servir()
    config = Configuration.depuis_environnement(pour_servir=pour_servir, **overrides)
    app.config.update(config.flask(Path(app.instance_path)))
    app.extensions["portail"] = config
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if config.tests:
        app.jinja_env.undefined = StrictUndefined

    web.init_app(app, config, journal_json=pour_servir and not config.tests)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(RACINE_PROJET / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    app.session_interface = InterfaceSessionServeur()
    gardes.init_app(app)
    grilles.init_app(app, config, pour_servir)
    calendriers.init_app(app, config, pour_servir)
    clients_api.init_app(app, config, verifier=pour_servir and not config.tests)
    app.extensions["franceconnect"] = ClientOIDC(
        config.franceconnect_issuer, config.franceconnect_client_id,
        config.franceconnect_client_secret,
        redirect_uri=f"{config.portail_url}/connexion/franceconnect/retour",
        post_logout_redirect_uri=f"{config.portail_url}/deconnexion/retour",
    )
    # The same relying party, a second time, for the staff (proconnect.md); idle when unset.
    app.extensions["proconnect"] = ClientOIDC(
        config.proconnect_issuer, config.proconnect_client_id, config.proconnect_client_secret,
        redirect_uri=f"{config.portail_url}/connexion/proconnect/retour",
        post_logout_redirect_uri=f"{config.portail_url}/deconnexion/retour",
        identite=agent_proconnect, prompt="login",
        niveaux_acceptes=(NIVEAU, *NIVEAUX_SUPERIEURS),
    )

    for blueprint in (public, auth, familles, mairie, admin):
        app.register_blueprint(blueprint)
    if config.bac_a_sable:
        # Imported only here: a production process never even loads the simulators (O14).
        from portail_famille import bac_a_sable

        bac_a_sable.init_app(app, config)
    cli.init_app(app)
    return app


def _pour_servir() -> bool:
    """Whether this app will serve requests: gunicorn, `flask run`, anything but a CLI task.

    A command-line task such as `flask tarifs simuler` serves nothing, so it needs neither a
    SECRET_KEY nor FranceConnect settings; everything that serves is checked in full.
    """
    contexte = click.get_current_context(silent=True)
    return contexte is None or contexte.info_name == "run"
