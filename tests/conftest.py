"""Shared fixtures: the schema is built by running the migrations, once, on SQLite or on the
PostgreSQL named by DATABASE_URL; every test then starts from empty tables."""

import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portail_famille import create_app
from portail_famille.extensions import db


@pytest.fixture(scope="session")
def url_base(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # The suite drops every table of this database: never one that is not meant for tests.
        nom = Path(sa.engine.make_url(url).database or "").name
        if "test" not in nom.lower():
            pytest.exit(f"DATABASE_URL désigne la base « {nom} », que les tests videraient : "
                        "utilisez une base dont le nom contient « test ».", returncode=2)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('base') / 'tests.db'}"


@pytest.fixture(scope="session")
def base_migree(url_base, tmp_path_factory) -> str:
    """Drop everything, then run every migration from scratch: the tests use the real schema."""
    app = create_app({"tests": True, "database_url": url_base,
                      "instance_path": tmp_path_factory.mktemp("instance")})
    with app.app_context():
        with db.engine.begin() as connexion:
            if connexion.dialect.name == "postgresql":
                connexion.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()
        upgrade(revision="heads")
    return url_base


def vider(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connexion:
            for table in reversed(db.metadata.sorted_tables):
                connexion.execute(table.delete())
        db.engine.dispose()


def fabriquer_app(base_migree, tmp_path: Path, **reglages):
    reglages = {"tests": True, "bac_a_sable": True, "database_url": base_migree,
                "instance_path": tmp_path / "instance", **reglages}
    app = create_app(reglages)
    return app


@pytest.fixture
def fabrique(base_migree, tmp_path):
    """Build apps with other settings; every table is emptied after the test."""
    construites = []

    def construire(**reglages):
        app = fabriquer_app(base_migree, tmp_path, **reglages)
        construites.append(app)
        return app

    yield construire
    for app in construites:
        vider(app)


@pytest.fixture
def app(fabrique):
    return fabrique(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


@pytest.fixture
def client(app):
    return app.test_client()


class _Relais:
    """A WSGI app that is set after the server has its port (the portal's URL depends on it)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture
def serveur(fabrique):
    """The portal served over real HTTP on a loopback port, in a background thread.

    The relying party calls the sandbox provider over HTTP while serving the callback
    (franceconnect.md SB-5), so flows that cross it need a real, threaded server.
    """
    relais = _Relais()
    httpd = make_server("127.0.0.1", 0, relais, threaded=True)
    url = f"http://127.0.0.1:{httpd.server_port}"
    fil = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                           daemon=True)

    def demarrer(**reglages):
        relais.app = fabrique(portail_url=url, **reglages)
        fil.start()
        return relais.app

    yield demarrer
    if fil.is_alive():
        httpd.shutdown()
    httpd.server_close()
