"""The portal, over real HTTP, against a FranceConnect-compatible provider that is not its own:
panva's oidc-provider, the Node library FranceConnect runs on (tests/auth/fournisseur_node/).

Only the documented settings change, in the environment: FRANCECONNECT_ISSUER, _CLIENT_ID,
_CLIENT_SECRET and _SCOPES. The sandbox stays on (plain HTTP on loopback is allowed), yet the
portal must sign in at the Node provider, whose paths it learns from discovery alone.
"""

import json
import os
import queue
import re
import shutil
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from flask import request
from flask import request_started

from portail_famille.auth.franceconnect import ECHECS
from portail_famille.extensions import db
from portail_famille.models import Compte
from tests.bac_a_sable import CHEMIN_FC
from tests.bac_a_sable import requete

DOSSIER = Path(__file__).parent / "fournisseur_node"
CLIENT_ID = "portail-famille-node"
CLIENT_SECRET = "secret-du-portail-chez-le-fournisseur-node-0123456789"
SCOPES = "openid identite_pivot email"
DELAI_S = 20
NODE = shutil.which("node")


def _manque() -> str | None:
    if NODE is None:
        return "node est introuvable"
    if not (DOSSIER / "node_modules" / "oidc-provider").is_dir():
        return f"dépendances Node absentes (lancez `npm ci` dans {DOSSIER})"
    return None


MANQUE = _manque()
# CI sets PORTAIL_NODE_OBLIGATOIRE=1: there, a missing Node is a failure, not a skip.
if MANQUE and os.environ.get("PORTAIL_NODE_OBLIGATOIRE") != "1":
    pytest.skip(f"{MANQUE} : tests du fournisseur Node ignorés", allow_module_level=True)


class FournisseurNode:
    """The Node provider in a child process, on a free loopback port it chooses itself.

    It prints its issuer, waits for the portal's URL on stdin (its client's registered URIs),
    then prints "pret"; it exits when stdin closes (fournisseur.mjs).
    """

    def __init__(self, journal: Path):
        self.journal = journal
        self.processus = subprocess.Popen(  # noqa: S603 (node, found on PATH, fixed arguments)
            [NODE, "fournisseur.mjs"], cwd=DOSSIER, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=journal.open("w"),
            env={"PATH": os.environ["PATH"], "FRANCECONNECT_CLIENT_ID": CLIENT_ID,
                 "FRANCECONNECT_CLIENT_SECRET": CLIENT_SECRET},
        )
        self._lignes: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._lire, daemon=True).start()
        self.issuer = json.loads(self._ligne())["issuer"]

    def _lire(self) -> None:
        for ligne in self.processus.stdout:
            self._lignes.put(ligne.strip())
        self._lignes.put(None)

    def _ligne(self) -> str:
        try:
            ligne = self._lignes.get(timeout=DELAI_S)
        except queue.Empty:
            ligne = None
        assert ligne is not None, f"le fournisseur Node ne répond pas :\n{self.journal.read_text()}"
        return ligne

    def servir(self, portail_url: str) -> None:
        self.processus.stdin.write(f"{portail_url}\n")
        self.processus.stdin.flush()
        assert self._ligne() == "pret"

    def arreter(self) -> None:
        self.processus.stdin.close()
        try:
            self.processus.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.processus.kill()
            self.processus.wait()


@pytest.fixture
def fournisseur(tmp_path):
    assert MANQUE is None, MANQUE
    fournisseur = FournisseurNode(tmp_path / "fournisseur-node.log")
    yield fournisseur
    fournisseur.arreter()


@pytest.fixture
def portail(serveur, fournisseur, monkeypatch):
    """The portal configured by the environment for the Node provider, and its sandbox calls."""
    for nom, valeur in {"FRANCECONNECT_ISSUER": fournisseur.issuer,
                        "FRANCECONNECT_CLIENT_ID": CLIENT_ID,
                        "FRANCECONNECT_CLIENT_SECRET": CLIENT_SECRET,
                        "FRANCECONNECT_SCOPES": SCOPES}.items():
        monkeypatch.setenv(nom, valeur)
    app = serveur(RATELIMIT_ENABLED=False)
    fournisseur.servir(app.extensions["portail"].portail_url)
    appels_au_bac_a_sable = []

    def noter(expediteur, **_):
        if request.path.startswith(CHEMIN_FC):
            appels_au_bac_a_sable.append(request.path)

    request_started.connect(noter, app)
    yield app
    request_started.disconnect(noter, app)
    assert appels_au_bac_a_sable == [], "le portail a appelé son propre bac à sable"


class Formulaire(HTMLParser):
    """The first form of a page: its action and hidden fields, as a browser would send them."""

    def __init__(self, page: requests.Response):
        super().__init__()
        self.action: str | None = None
        self.champs: dict[str, str] = {}
        self.feed(page.text)
        assert self.action is not None, page.text
        self.action = urljoin(page.url, self.action)

    def handle_starttag(self, balise, attributs):
        attributs = dict(attributs)
        if balise == "form" and self.action is None:
            self.action = attributs.get("action", "")
        elif balise == "input" and attributs.get("type") == "hidden":
            self.champs[attributs["name"]] = attributs.get("value", "")


def url_de(app) -> str:
    return app.extensions["portail"].portail_url


def page_de_connexion(navigateur, app, fournisseur) -> requests.Response:
    depart = navigateur.get(f"{url_de(app)}/connexion/franceconnect", allow_redirects=False)
    assert depart.status_code == 302
    # The library's own authorize path, found through discovery: not FranceConnect's.
    assert depart.headers["Location"].startswith(f"{fournisseur.issuer}/auth?")
    page = navigateur.get(depart.headers["Location"])
    assert page.status_code == 200, page.text
    assert page.url.startswith(f"{fournisseur.issuer}/interaction/")
    return page


def jeton_csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_parcours_complet_chez_un_autre_fournisseur(portail, fournisseur):
    base = url_de(portail)
    navigateur = requests.Session()
    page = page_de_connexion(navigateur, portail, fournisseur)
    arrivee = navigateur.post(Formulaire(page).action, data={"identite": "angela"})
    assert arrivee.url == f"{base}/espace-famille/", arrivee.text
    assert "Bonjour Angela DUBOIS" in arrivee.text
    with portail.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
    # Keyed on this provider's issuer and its pairwise sub; the identity pivot as it sent it.
    assert compte.fc_issuer == fournisseur.issuer
    assert re.fullmatch(r"[0-9a-f]{64}v1", compte.fc_sub)
    assert (compte.date_naissance, compte.code_commune_naissance) == ("1962-08-24", "75107")
    copie = navigateur.cookies.get("session")

    # Logout goes through the provider's end_session, and back with the portal's state.
    sortie = navigateur.post(f"{base}/deconnexion", data={"csrf_token": jeton_csrf(arrivee)},
                             allow_redirects=False)
    assert sortie.status_code == 303
    fin = sortie.headers["Location"]
    assert fin.startswith(f"{fournisseur.issuer}/session/end?")
    confirmation = Formulaire(navigateur.get(fin))
    retour = navigateur.post(confirmation.action, allow_redirects=False,
                             data={**confirmation.champs, "logout": "yes"})
    assert retour.status_code in (302, 303)
    assert retour.headers["Location"].startswith(f"{base}/deconnexion/retour?")
    assert requete(retour.headers["Location"])["state"] == requete(fin)["state"]
    assert "Vous êtes déconnecté" in navigateur.get(retour.headers["Location"]).text

    for visiteur in (navigateur, requests.Session()):
        if visiteur is not navigateur:
            visiteur.cookies.set("session", copie)  # a copy of the cookie taken before
        apres = visiteur.get(f"{base}/espace-famille/", allow_redirects=False)
        assert apres.status_code == 302
        assert urlsplit(apres.headers["Location"]).path == "/connexion"


def test_annuler_chez_l_autre_fournisseur_page_access_denied_du_portail(portail, fournisseur):
    navigateur = requests.Session()
    page = page_de_connexion(navigateur, portail, fournisseur)
    echec = navigateur.post(Formulaire(page).action, data={"annuler": "1"})
    assert echec.url == f"{url_de(portail)}/connexion/echec"
    assert ECHECS["access_denied"] in echec.text
    with portail.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Compte)) == 0
