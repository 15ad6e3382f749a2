"""Server-side sessions (securite.md S1–S6): revocable, renewed at sign-in, opaque, well-flagged
cookies, idle and absolute timeouts per role, and a visible logout."""

import base64
import hashlib
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from portail_famille.auth import sessions
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import SessionServeur
from tests.aides import ROLES
from tests.aides import Page
from tests.aides import connecter_personnel
from tests.aides import creer_compte
from tests.aides import creer_famille
from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import jeton_session
from tests.aides import planter_session
from tests.aides import routes_sans_parametre


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)

HTTPS = "https://portail.exemple.test"
DEBUT = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


def espace(role: str) -> str:
    return {"famille": "/espace-famille/", "agent": "/mairie/", "admin": "/admin/"}[role]


def connexion(role: str) -> str:
    return "/connexion" if role == "famille" else "/connexion/personnel"


def ouvrir(app, client, role: str) -> int:
    """Sign in as a new account of `role`: staff through the real form, families planted."""
    if role == "famille":
        compte_id = creer_famille(app)
        planter_session(client, compte_id, "famille")
        return compte_id
    compte_id = creer_personnel(app, role, identifiant=f"{role}.sessions")
    assert connecter_personnel(client, f"{role}.sessions").status_code == 303
    return compte_id


def connecte(client, role: str) -> bool:
    reponse = client.get(espace(role))
    if reponse.status_code == 200:
        return True
    assert reponse.status_code == 302
    assert urlsplit(reponse.location).path == connexion(role)
    return False


def lignes_de_session(app, jeton: str | None = None) -> int:
    with app.app_context():
        requete = sa.select(sa.func.count()).select_from(SessionServeur)
        if jeton:
            requete = requete.where(SessionServeur.id == hashlib.sha256(jeton.encode()).hexdigest())
        return db.session.scalar(requete)


def rejouer(app, jeton: str):
    """A new browser presenting a copied cookie."""
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], jeton)
    return client


# ---------------------------------------------------------------------------------------------
# S1: revocable
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_s1_cookie_rejoue_apres_deconnexion_anonyme(app, role):
    client = app.test_client()
    ouvrir(app, client, role)
    jeton = jeton_session(client, app)
    assert connecte(client, role)
    assert client.post("/deconnexion").status_code == 303
    assert lignes_de_session(app, jeton) == 0
    assert not connecte(rejouer(app, jeton), role)


def test_s1_compte_desactive_et_sessions_revoquees_requete_suivante_refusee(app):
    premier, second = app.test_client(), app.test_client()
    compte_id = ouvrir(app, premier, "agent")
    assert connecter_personnel(second, "agent.sessions").status_code == 303
    assert connecte(premier, "agent") and connecte(second, "agent")
    with app.app_context():
        db.session.get(Compte, compte_id).actif = False
        db.session.commit()
        sessions.revoquer(compte_id)
    assert not connecte(premier, "agent")
    assert not connecte(second, "agent")
    assert lignes_de_session(app) == 0


def test_s1_compte_desactive_refuse_meme_sans_revocation(app):
    client = app.test_client()
    compte_id = ouvrir(app, client, "admin")
    with app.app_context():
        db.session.get(Compte, compte_id).actif = False
        db.session.commit()
    assert not connecte(client, "admin")


def test_s1_revoquer_ne_touche_pas_les_autres_comptes(app):
    agent, famille = app.test_client(), app.test_client()
    agent_id = ouvrir(app, agent, "agent")
    ouvrir(app, famille, "famille")
    with app.app_context():
        sessions.revoquer(agent_id)
    assert not connecte(agent, "agent")
    assert connecte(famille, "famille")


# ---------------------------------------------------------------------------------------------
# S2: a new session at sign-in
# ---------------------------------------------------------------------------------------------


def test_s2_nouvel_identifiant_a_la_connexion_et_cle_plantee_effacee(app):
    creer_personnel(app, "agent", identifiant="agent.sessions")
    client = app.test_client()
    with client.session_transaction() as session:
        session["cle_plantee"] = "valeur de l'attaquant"
    avant = jeton_session(client, app)
    assert avant and lignes_de_session(app, avant) == 1

    assert connecter_personnel(client, "agent.sessions").status_code == 303
    apres = jeton_session(client, app)
    assert apres and apres != avant
    assert lignes_de_session(app, avant) == 0  # the planted session is gone, not just left
    with client.session_transaction() as session:
        assert "cle_plantee" not in session
        assert session["role"] == "agent"
    with rejouer(app, avant).session_transaction() as session:
        assert dict(session) == {}


# ---------------------------------------------------------------------------------------------
# S3, S4: the cookie
# ---------------------------------------------------------------------------------------------


def set_cookies(reponse) -> list[str]:
    return reponse.headers.getlist("Set-Cookie")


def test_s3_le_cookie_est_un_jeton_opaque(app):
    creer_personnel(app, "admin", identifiant="admin.sessions", prenoms="Aurore",
                    nom_usage="SECRETAIRE")
    client = app.test_client()
    reponse = connecter_personnel(client, "admin.sessions")
    [entete] = set_cookies(reponse)
    assert len(entete.encode()) < 4096
    jeton = jeton_session(client, app)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", jeton)  # 32 random bytes, nothing else
    assert len(base64.urlsafe_b64decode(jeton + "=")) == 32  # random bytes, not a payload
    for secret in ("admin.sessions", "Aurore", "SECRETAIRE", "_user_id", "{", "."):
        assert secret not in jeton
    with app.app_context():
        [ligne] = db.session.scalars(sa.select(SessionServeur)).all()
        assert ligne.id == hashlib.sha256(jeton.encode()).hexdigest()  # only a hash is stored
        assert jeton not in ligne.donnees


def attributs(entete: str) -> tuple[str, str, dict]:
    morceaux = [m.strip() for m in entete.split(";")]
    nom, _, valeur = morceaux[0].partition("=")
    drapeaux = {}
    for morceau in morceaux[1:]:
        cle, _, val = morceau.partition("=")
        drapeaux[cle.lower()] = val
    return nom, valeur, drapeaux


def test_s4_cookie_host_secure_httponly_lax_en_https(fabrique):
    app = fabrique(portail_url=HTTPS, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    creer_personnel(app, "agent", identifiant="agent.sessions")
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "portail.exemple.test"})
    reponse = connecter_personnel(client, "agent.sessions")
    [entete] = set_cookies(reponse)
    nom, valeur, drapeaux = attributs(entete)
    assert nom == "__Host-session" and valeur
    assert "secure" in drapeaux and "httponly" in drapeaux
    assert drapeaux["path"] == "/"
    assert drapeaux["samesite"] == "Lax"
    assert "domain" not in drapeaux  # forbidden with the __Host- prefix
    assert "expires" not in drapeaux and "max-age" not in drapeaux  # ends with the browser
    # Logging out clears it with the same attributes, or browsers would keep it.
    [effacement] = set_cookies(client.post("/deconnexion"))
    nom, valeur, drapeaux = attributs(effacement)
    assert (nom, valeur) == ("__Host-session", "")
    assert "secure" in drapeaux and drapeaux["path"] == "/"
    assert SimpleCookie(effacement)["__Host-session"]["expires"].startswith("Thu, 01 Jan 1970")


def test_s4_en_http_local_le_cookie_reste_httponly_et_lax(app):
    creer_personnel(app, "agent", identifiant="agent.sessions")
    [entete] = set_cookies(connecter_personnel(app.test_client(), "agent.sessions"))
    nom, _, drapeaux = attributs(entete)
    assert nom == "session"
    assert "httponly" in drapeaux and drapeaux["samesite"] == "Lax" and drapeaux["path"] == "/"


# ---------------------------------------------------------------------------------------------
# S5: idle and absolute timeouts
# ---------------------------------------------------------------------------------------------

DELAIS = {"famille": (timedelta(minutes=30), timedelta(hours=12)),
          "agent": (timedelta(minutes=15), timedelta(hours=8)),
          "admin": (timedelta(minutes=15), timedelta(hours=8))}
MARGE = timedelta(minutes=1)


@pytest.mark.parametrize("role", ROLES)
def test_s5_inactivite(app, role):
    inactivite, _ = DELAIS[role]
    client = app.test_client()
    with time_machine.travel(DEBUT, tick=False) as voyage:
        ouvrir(app, client, role)
        jeton = jeton_session(client, app)
        for _ in range(3):  # activity within the idle window keeps the session alive
            voyage.shift(inactivite - MARGE)
            assert connecte(client, role)
        voyage.shift(inactivite + MARGE)
        assert not connecte(client, role)  # re-authentication
        assert lignes_de_session(app, jeton) == 0


@pytest.mark.parametrize("role", ROLES)
def test_s5_duree_absolue(app, role):
    inactivite, absolu = DELAIS[role]
    pas = inactivite - MARGE
    client = app.test_client()
    with time_machine.travel(DEBUT, tick=False) as voyage:
        ouvrir(app, client, role)
        ecoule = timedelta(0)
        while ecoule + pas <= absolu:
            voyage.shift(pas)
            ecoule += pas
            assert connecte(client, role), ecoule
        voyage.shift(absolu - ecoule + MARGE)  # still active, but past the absolute limit
        assert not connecte(client, role)


def test_s5_les_delais_sont_plus_courts_pour_le_personnel():
    assert sessions.DELAIS == DELAIS


# ---------------------------------------------------------------------------------------------
# S6: a visible logout
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_s6_formulaire_de_deconnexion_sur_chaque_page_authentifiee(app, role):
    compte_id = creer_compte(app, role)
    pages = []
    for endpoint, url in routes_sans_parametre(app):
        client = app.test_client()
        planter_session(client, compte_id, role)
        reponse = client.get(url)
        if reponse.status_code != 200 or reponse.mimetype != "text/html":
            continue
        if endpoint == "auth.deconnexion_retour":
            continue  # the page that says the session has ended
        pages.append(endpoint)
        assert Page(reponse.text).formulaires_de_deconnexion(), endpoint
    assert {e for e in pages if e.split(".")[0] in ("familles", "mairie", "admin")}


def test_s6_pas_de_formulaire_de_deconnexion_pour_un_visiteur(app):
    assert not Page(app.test_client().get("/").text).formulaires_de_deconnexion()


def test_s6_deconnexion_sans_franceconnect_locale_et_annoncee(app):
    client = app.test_client()
    ouvrir(app, client, "famille")
    reponse = client.post("/deconnexion")
    assert reponse.status_code == 303
    assert reponse.location == "/deconnexion/retour"
    page = client.get(reponse.location)
    assert page.status_code == 200
    assert Page(page.text).tous("h1")[0].texte == "Vous êtes déconnecté"
    assert not connecte(client, "famille")
