"""Shared fixtures: the schema is built by running the migrations, once, on SQLite or on the
PostgreSQL named by DATABASE_URL; every test then starts from empty tables.

An app whose settings do not vary within a module is built once for that module
(`fabrique_du_module`): between tests its tables are emptied, the grid file's version is
imported again as at boot, and its settings and extensions are put back as they were built.
Tests that need other settings build their own with `fabrique`.
"""

import contextlib
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portail_famille import create_app
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import grilles


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


class AppPartagee:
    """An app built once and lent to each test of a module, as if it had just been built."""

    def __init__(self, app):
        self.app = app
        self._config = dict(app.config)
        self._extensions = dict(app.extensions)

    @contextlib.contextmanager
    def pour_un_test(self):
        # Flask-Limiter keeps one state per process: it follows the app of this test.
        limiter.init_app(self.app)
        try:
            yield self.app
        finally:
            self._remettre()

    def _remettre(self) -> None:
        app = self.app
        app.config.clear()
        app.config.update(self._config)
        app.extensions.clear()
        app.extensions.update(self._extensions)
        if app.extensions["portail"].bac_a_sable:
            # The simulators' counters and caches live in their store: a fresh one.
            from portail_famille.bac_a_sable import limites

            del app.extensions[limites.CLE_EXTENSION]
            limites.init_app(app, app.extensions["portail"])
        vider(app)
        config = app.extensions["portail"]
        with app.app_context():
            grilles.synchroniser_fichier(config.tarifs_fichier.read_text(encoding="utf-8"),
                                         config.tarifs_fichier)
            db.session.commit()
        app.extensions["grille"].oublier()


@pytest.fixture(scope="module")
def fabrique_du_module(base_migree, tmp_path_factory):
    """Build apps shared by the module's tests, one per set of settings."""
    construites: dict[str, AppPartagee] = {}

    def construire(**reglages) -> AppPartagee:
        cle = repr(sorted(reglages.items()))
        if cle not in construites:
            dossier = tmp_path_factory.mktemp("app-du-module")
            construites[cle] = AppPartagee(fabriquer_app(base_migree, dossier, **reglages))
        return construites[cle]

    yield construire
    for partagee in construites.values():
        vider(partagee.app)


@pytest.fixture
def app(fabrique_du_module):
    with fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False).pour_un_test() as app:
        yield app


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


@pytest.fixture
def navigateur(request):
    """A Chromium page `request.param` CSS pixels wide (1280 unless parametrized), for the
    journeys of tests/navigateur and the browser checks of other folders alike."""
    from tests.navigateur import outils

    # CI sets PORTAIL_NAVIGATEUR_OBLIGATOIRE=1: a missing Chromium is then a failure.
    assert outils.CHROMIUM.exists(), f"{outils.CHROMIUM} est introuvable (apt-get install chromium)"
    largeur = getattr(request, "param", outils.BUREAU)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(outils.CHROMIUM),
                                              args=outils.OPTIONS)
        contexte = chromium.new_context(
            accept_downloads=True, locale="fr-FR",
            viewport={"width": largeur, "height": outils.HAUTEURS.get(largeur, 800)})
        yield contexte.new_page()
        contexte.close()
        chromium.close()


def pytest_collection_modifyitems(config, items):
    """Tests on the real clock run in CI (PORTAIL_TESTS_LENTS=1) or when asked for by
    `-m lent`; a developer's default run skips them."""
    if os.environ.get("PORTAIL_TESTS_LENTS") == "1" or "lent" in (config.option.markexpr or ""):
        return
    sauter = pytest.mark.skip(reason="test lent sur l'horloge réelle : PORTAIL_TESTS_LENTS=1 "
                                     "ou -m lent pour le passer")
    for item in items:
        if "lent" in item.keywords:
            item.add_marker(sauter)
