"""The portal's real relying party against the sandbox provider, over HTTP (franceconnect.md §14).

The portal is served on a loopback port (SB-5): its callback calls the sandbox's token, userinfo
and JWKS endpoints while the browser, played by `requests`, waits for the answer.
"""

import re
from decimal import Decimal
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from authlib.integrations.base_client import InvalidTokenError
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask import request
from flask import request_started

from portail_famille.auth.franceconnect import ECHECS
from portail_famille.bac_a_sable import fournisseur_franceconnect
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import QuotientFamilial

from . import CHEMIN_FC
from . import SCOPES_PORTAIL
from . import Formulaire
from . import parametres_autorisation
from . import requete


@pytest.fixture
def portail(serveur):
    """The portal on a loopback port, with CSRF on as for a real browser."""
    return serveur(RATELIMIT_ENABLED=False)


def url_de(app) -> str:
    return app.extensions["portail"].portail_url


def page_de_connexion(navigateur, url_autorisation: str) -> requests.Response:
    page = navigateur.get(url_autorisation, allow_redirects=False)
    assert page.status_code == 200, page.text
    return page


def choisir(navigateur, page: requests.Response, identite: str | None, **options):
    """Submit the sandbox's login page like a browser: choose an identity, or cancel."""
    formulaire = Formulaire(page.text)
    choix = {"identite": identite} if identite else {"annuler": "1"}
    return navigateur.post(urljoin(page.url, formulaire.action),
                           data={**formulaire.champs, **choix}, **options)


def se_connecter(navigateur, app, identite="angela") -> requests.Response:
    """/connexion/franceconnect → sandbox login page → callback → wherever the portal lands."""
    depart = navigateur.get(f"{url_de(app)}/connexion/franceconnect", allow_redirects=False)
    assert depart.status_code == 302
    assert depart.headers["Location"].startswith(f"{url_de(app)}{CHEMIN_FC}/authorize?")
    return choisir(navigateur, page_de_connexion(navigateur, depart.headers["Location"]),
                   identite)


def jeton_csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_parcours_complet_connexion_puis_deconnexion(portail):
    app = portail
    navigateur = requests.Session()
    arrivee = se_connecter(navigateur, app)
    assert arrivee.status_code == 200
    assert arrivee.url == f"{url_de(app)}/espace-famille/"
    assert "Bonjour Angela DUBOIS" in arrivee.text

    # Logout goes through the sandbox's session/end and back with the portal's state (SB-15).
    sortie = navigateur.post(f"{url_de(app)}/deconnexion",
                             data={"csrf_token": jeton_csrf(arrivee)}, allow_redirects=False)
    assert sortie.status_code == 303
    assert sortie.headers["Location"].startswith(f"{url_de(app)}{CHEMIN_FC}/session/end?")
    fin = navigateur.get(sortie.headers["Location"], allow_redirects=False)
    assert fin.status_code == 303
    retour = fin.headers["Location"]
    assert retour.startswith(f"{url_de(app)}/deconnexion/retour?state=")
    assert requete(retour)["state"] == requete(sortie.headers["Location"])["state"]
    assert "Vous êtes déconnecté" in navigateur.get(retour).text
    apres = navigateur.get(f"{url_de(app)}/espace-famille/", allow_redirects=False)
    assert apres.status_code == 302
    assert urlsplit(apres.headers["Location"]).path == "/connexion"


def test_foyer_invente_ne_a_l_etranger_de_la_connexion_a_son_qf(portail):
    arrivee = se_connecter(requests.Session(), portail, "ines")
    assert arrivee.url == f"{url_de(portail)}/espace-famille/"
    with portail.app_context():
        compte = db.session.scalars(sa.select(Compte)).one()
        assert (compte.prenoms, compte.nom_naissance) == ("Inês Maria", "CARVALHO")
        assert (compte.code_commune_naissance, compte.code_pays_naissance) == ("", "99139")
        # The grid asks the DGFiP first: RFR 27 400 for 2.5 parts, the year before.
        quotient = db.session.scalars(sa.select(QuotientFamilial)).one()
        assert (quotient.source, quotient.mode) == ("dgfip", "france_connect")
        assert quotient.valeur == Decimal("913.33")


def test_annuler_montre_la_page_access_denied_du_portail(portail):
    navigateur = requests.Session()
    depart = navigateur.get(f"{url_de(portail)}/connexion/franceconnect", allow_redirects=False)
    page = page_de_connexion(navigateur, depart.headers["Location"])
    echec = choisir(navigateur, page, None)
    assert echec.status_code == 200
    assert echec.url == f"{url_de(portail)}/connexion/echec"
    assert ECHECS["access_denied"] in echec.text


def test_rotation_de_cle_absorbee_par_un_seul_rechargement_du_jwks(portail):
    appels_jwks = []

    def compter(expediteur, **_):
        if request.path == f"{CHEMIN_FC}/jwks":
            appels_jwks.append(request.path)

    request_started.connect(compter, portail)
    try:
        assert se_connecter(requests.Session(), portail).url.endswith("/espace-famille/")
        assert len(appels_jwks) == 1
        fournisseur_franceconnect.tourner_cle(portail)
        assert se_connecter(requests.Session(), portail).url.endswith("/espace-famille/")
        assert len(appels_jwks) == 2
        assert se_connecter(requests.Session(), portail).url.endswith("/espace-famille/")
        assert len(appels_jwks) == 2
    finally:
        request_started.disconnect(compter, portail)


# --- Authlib's pitfalls (franceconnect.md §13), reproduced against the sandbox -------------


def client_authlib(app, **client_kwargs):
    """A throwaway Flask relying party that uses Authlib's client with its defaults."""
    rp = Flask("rp_authlib_par_defaut")
    rp.secret_key = "cle-de-test-du-rp-authlib-0123456789"
    config = app.extensions["portail"]
    oauth = OAuth(rp)
    fc = oauth.register(
        "fc", client_id=config.franceconnect_client_id,
        client_secret=config.franceconnect_client_secret,
        server_metadata_url=f"{url_de(app)}{CHEMIN_FC}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES_PORTAIL, **client_kwargs},
    )
    return rp, fc


def code_d_autorisation(app) -> str:
    """A code obtained by a browser with a valid request (64-hex state and nonce)."""
    navigateur = requests.Session()
    url = f"{url_de(app)}{CHEMIN_FC}/authorize"
    preparee = requests.Request("GET", url, params=parametres_autorisation(app)).prepare()
    retour = choisir(navigateur, page_de_connexion(navigateur, preparee.url), "angela",
                     allow_redirects=False)
    return requete(retour.headers["Location"])["code"]


def test_piege_1_state_et_nonce_par_defaut_d_authlib_page_400(portail):
    rp, fc = client_authlib(portail)
    with rp.test_request_context():
        redirection = fc.authorize_redirect(
            f"{url_de(portail)}/connexion/franceconnect/retour", acr_values="eidas1")
    parametres = requete(redirection.location)
    assert (len(parametres["state"]), len(parametres["nonce"])) == (30, 20)
    page = requests.get(redirection.location, allow_redirects=False, timeout=10)
    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "Y030007" in page.text


def test_pieges_2_3_5_jeton_et_userinfo_avec_authlib(portail):
    retour = f"{url_de(portail)}/connexion/franceconnect/retour"
    code = code_d_autorisation(portail)
    rp, par_defaut = client_authlib(portail)
    with rp.app_context():
        # Pitfall 5: client_secret_basic by default, which the sandbox refuses on purpose.
        with pytest.raises(OAuthError) as refus:
            par_defaut.fetch_access_token(redirect_uri=retour, code=code)
        assert refus.value.error == "invalid_client"
    rp, fc = client_authlib(portail, token_endpoint_auth_method="client_secret_post")
    with rp.app_context():
        jeton = fc.fetch_access_token(redirect_uri=retour, code=code)
        assert jeton["expires_in"] == 60
        # Pitfall 2: a 60 s leeway on a 60 s token: "expired" before the first call.
        with pytest.raises(InvalidTokenError):
            fc.userinfo(token=jeton)
    rp, court = client_authlib(portail, token_endpoint_auth_method="client_secret_post",
                               leeway=5)
    # Pitfall 3: userinfo is a JWS (application/jwt), not the JSON Authlib parses.
    with rp.app_context(), pytest.raises(requests.JSONDecodeError):
        court.userinfo(token=jeton)
