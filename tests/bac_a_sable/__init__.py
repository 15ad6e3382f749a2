"""Shared helpers for the sandbox tests: a valid authorize request and the steps of a sign-in."""

import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet

CHEMIN_FC = "/bac-a-sable/franceconnect/api/v2"
SCOPES_PORTAIL = "openid identite_pivot email"


def fournisseur(app):
    """The sandbox provider of this app."""
    return app.extensions["bac_a_sable_franceconnect"]


def parametres_autorisation(app, **changements) -> dict:
    """An authorize request FranceConnect accepts; `None` removes a parameter."""
    config = app.extensions["portail"]
    parametres = {
        "response_type": "code",
        "client_id": config.franceconnect_client_id,
        "redirect_uri": f"{config.portail_url}/connexion/franceconnect/retour",
        "scope": SCOPES_PORTAIL,
        "acr_values": "eidas1",
        "state": secrets.token_hex(32),
        "nonce": secrets.token_hex(32),
        "prompt": "login consent",
        **changements,
    }
    return {nom: valeur for nom, valeur in parametres.items() if valeur is not None}


def requete(location: str) -> dict:
    """The query parameters of a redirect, one value each."""
    return {nom: valeurs[0] for nom, valeurs in parse_qs(urlsplit(location).query).items()}


class Formulaire(HTMLParser):
    """The login page's form (not the header's logout form), as a browser would send it."""

    def __init__(self, html: str):
        super().__init__()
        self.action = None
        self.champs: dict[str, str] = {}
        self._dedans = False
        self.feed(html)

    def handle_starttag(self, balise, attributs):
        attributs = dict(attributs)
        if balise == "form" and attributs.get("action", "").endswith("/interaction"):
            self.action, self._dedans = attributs["action"], True
        elif balise == "input" and self._dedans and attributs.get("type") == "hidden":
            self.champs[attributs["name"]] = attributs.get("value", "")

    def handle_endtag(self, balise):
        if balise == "form":
            self._dedans = False


def choisir(client, app, identite="angela", **changements):
    """Open the login page, then choose `identite` (or cancel with None); return the response."""
    page = client.get(f"{CHEMIN_FC}/authorize", query_string=parametres_autorisation(
        app, **changements))
    assert page.status_code == 200, page.text
    formulaire = Formulaire(page.text)
    choix = {"identite": identite} if identite else {"annuler": "1"}
    return client.post(formulaire.action, data={**formulaire.champs, **choix})


def demander_jeton(client, app, code: str, **changements):
    """POST /token the way the portal does: client_secret_post."""
    config = app.extensions["portail"]
    corps = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{config.portail_url}/connexion/franceconnect/retour",
        "client_id": config.franceconnect_client_id,
        "client_secret": config.franceconnect_client_secret,
        **changements,
    }
    return client.post(f"{CHEMIN_FC}/token",
                       data={nom: valeur for nom, valeur in corps.items() if valeur is not None})


def connecter(client, app, identite="angela", **changements) -> dict:
    """A whole sign-in through the sandbox: the token response, with the request's nonce."""
    parametres = parametres_autorisation(app, **changements)
    retour = choisir(client, app, identite, **parametres)
    code = requete(retour.headers["Location"])["code"]
    reponse = demander_jeton(client, app, code)
    assert reponse.status_code == 200, reponse.text
    return {**reponse.json, "nonce": parametres["nonce"]}


def cles_publiees(client) -> KeySet:
    """The JWKS the sandbox publishes."""
    return KeySet.import_key_set(client.get(f"{CHEMIN_FC}/jwks").json)


def verifier(jeton: str, cles: KeySet) -> tuple[dict, dict]:
    """(header, claims) of an ES256 JWS that verifies against `cles`."""
    decode = jwt.decode(jeton, cles, algorithms=["ES256"])
    return dict(decode.header), dict(decode.claims)
