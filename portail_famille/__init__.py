"""portail-famille: the application factory."""

import logging
from pathlib import Path

import click
import redis
from flask import Flask
from jinja2 import StrictUndefined

from portail_famille import affichage
from portail_famille import bac_a_sable
from portail_famille import cli
from portail_famille import erreurs
from portail_famille import securite_http
from portail_famille.admin.views import bp as admin
from portail_famille.auth import gardes
from portail_famille.auth.franceconnect import ClientFranceConnect
from portail_famille.auth.sessions import InterfaceSessionServeur
from portail_famille.auth.views import bp as auth
from portail_famille.config import RACINE_PROJET
from portail_famille.config import Configuration
from portail_famille.config import ConfigurationInvalide
from portail_famille.extensions import csrf
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.extensions import migrate
from portail_famille.familles import bp as familles
from portail_famille.mairie.views import bp as mairie
from portail_famille.public.views import bp as public
from portail_famille.services import grilles
from portail_famille.services import revenus


def create_app(overrides: dict | None = None) -> Flask:
    """Build the portal; raise ConfigurationInvalide or GrilleInvalide rather than start broken."""
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

    securite_http.init_app(app, config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(RACINE_PROJET / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    app.session_interface = InterfaceSessionServeur()
    gardes.init_app(app)
    affichage.init_app(app)
    erreurs.init_app(app)
    grilles.init_app(app, config, pour_servir)
    if pour_servir and not config.tests:
        _verifier_sources(app, config)
    app.extensions["revenus"] = revenus.Clients(
        config, redis.Redis.from_url(config.redis_url) if config.redis_url else None)
    # urllib3 logs full URLs at DEBUG, query strings included: never personal data (E7).
    logging.getLogger("urllib3").setLevel(logging.INFO)
    app.extensions["franceconnect"] = ClientFranceConnect(
        config.franceconnect_issuer, config.franceconnect_client_id,
        config.franceconnect_client_secret,
        redirect_uri=f"{config.portail_url}/connexion/franceconnect/retour",
        post_logout_redirect_uri=f"{config.portail_url}/deconnexion/retour",
    )

    for blueprint in (public, auth, familles, mairie, admin):
        app.register_blueprint(blueprint)
    if config.bac_a_sable:
        bac_a_sable.init_app(app, config)
    cli.init_app(app)
    return app


def _verifier_sources(app: Flask, config: Configuration) -> None:
    """Refuse to serve a grid whose income sources lack their settings: the sign-in callback
    would fail for every family."""
    with app.app_context():
        sources = app.extensions["grille"].obtenir().grille.sources
    manquants = revenus.reglages_manquants(config, sources)
    if manquants:
        raise ConfigurationInvalide("Configuration invalide :\n- " + "\n- ".join(manquants))


def _pour_servir() -> bool:
    """Whether this app will serve requests: gunicorn, `flask run`, anything but a CLI task.

    A command-line task such as `flask tarifs simuler` serves nothing, so it needs neither a
    SECRET_KEY nor FranceConnect settings; everything that serves is checked in full.
    """
    contexte = click.get_current_context(silent=True)
    return contexte is None or contexte.info_name == "run"
