"""HTTP hardening (securite.md H1–H3), generic error pages (I5), CSRF and read-only GETs (I1),
output encoding of names (I3): checked on every route of `app.url_map`, not on a sample."""

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy.orm
from flask import Blueprint

from tests.aides import AUDIENCES
from tests.aides import ROLES
from tests.aides import Page
from tests.aides import connecter
from tests.aides import connecter_personnel
from tests.aides import creer_compte
from tests.aides import creer_personnel
from tests.aides import hachage_rapide
from tests.aides import planter_session
from tests.aides import routes_sans_parametre


@pytest.fixture(autouse=True)
def _hachage_rapide(monkeypatch):
    hachage_rapide(monkeypatch)

HTTPS = "https://portail.exemple.test"
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "same-origin", "strict-origin",
                     "no-referrer"}
UN_AN = 31536000

# GET routes that write, each with its reason; nothing else may (I1).
ECRIVENT_EN_GET = {
    "auth.retour_franceconnect": "retour OpenID Connect : un GET imposé par le protocole, qui "
                                 "crée le compte ou consigne l'échec au journal (G3)",
    "auth.connexion_franceconnect": "départ vers FranceConnect : une découverte refusée "
                                    "(issuer, algorithmes) est consignée au journal (G3)",
    "auth.retour_proconnect": "retour OpenID Connect de ProConnect : lie le compte du personnel "
                              "ou consigne le refus au journal (G3)",
    "auth.connexion_proconnect": "départ vers ProConnect : une découverte refusée est "
                                 "consignée au journal (G3)",
    "mairie.pointage": "liste de pointage : sa consultation est consignée pour chaque foyer "
                       "listé (A5) et les réservations du jour sont fixées avant d'être pointées",
}


def origine(url: str) -> str:
    morceaux = urlsplit(url)
    return f"{morceaux.scheme}://{morceaux.netloc}"


def csp(reponse) -> dict[str, list[str]]:
    directives = {}
    for directive in reponse.headers["Content-Security-Policy"].split(";"):
        nom, *valeurs = directive.split()
        assert nom not in directives, f"directive {nom} en double"
        directives[nom] = valeurs
    return directives


def verifier_entetes(app, reponse, quoi: str) -> None:
    directives = csp(reponse)
    assert directives["default-src"] == ["'self'"], quoi
    assert directives["object-src"] == ["'none'"], quoi
    assert directives["base-uri"] == ["'self'"], quoi
    assert directives["frame-ancestors"] == ["'none'"], quoi
    issuer = app.extensions["portail"].franceconnect_issuer
    assert set(directives["form-action"]) == {"'self'", origine(issuer)}, quoi
    assert not any("unsafe" in v for valeurs in directives.values() for v in valeurs), quoi
    assert reponse.headers["X-Content-Type-Options"] == "nosniff", quoi
    assert reponse.headers["Referrer-Policy"] in REFERRER_POLICIES, quoi
    assert reponse.headers["Cross-Origin-Opener-Policy"] == "same-origin", quoi
    assert not re.search(r"\d", reponse.headers.get("Server", "")), quoi
    assert "X-Powered-By" not in reponse.headers, quoi


# ---------------------------------------------------------------------------------------------
# H1, H2, H3
# ---------------------------------------------------------------------------------------------


def test_h1_entetes_sur_chaque_route_get(app):
    routes = routes_sans_parametre(app)
    assert len(routes) > 20
    for endpoint, url in routes:
        reponse = app.test_client().get(url)
        assert reponse.status_code < 500, endpoint
        verifier_entetes(app, reponse, endpoint)
    verifier_entetes(app, app.test_client().get("/introuvable"), "404")
    verifier_entetes(app, app.test_client().get("/static/css/portail.css"), "static")


@pytest.fixture
def app_https(fabrique):
    return fabrique(portail_url=HTTPS, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)


def client_https(app):
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "portail.exemple.test"})
    return client


def test_h1_hsts_d_au_moins_un_an_en_https(app_https):
    for endpoint, url in routes_sans_parametre(app_https):
        reponse = client_https(app_https).get(url)
        hsts = reponse.headers.get("Strict-Transport-Security", "")
        duree = re.search(r"max-age=(\d+)", hsts)
        assert duree and int(duree.group(1)) >= UN_AN, endpoint
        verifier_entetes(app_https, reponse, endpoint)


def test_h1_form_action_porte_l_origine_de_franceconnect(fabrique):
    app = fabrique(franceconnect_issuer="https://fc.exemple.test:8443/api/v2",
                   bac_a_sable=False)
    directives = csp(app.test_client().get("/"))
    assert directives["form-action"] == ["'self'", "https://fc.exemple.test:8443"]


def test_h1_form_action_porte_l_origine_de_payfip(fabrique):
    app = fabrique(franceconnect_issuer="https://fc.exemple.test/api/v2", bac_a_sable=False,
                   payfip_url="https://www.payfip.gouv.fr/tpa")
    directives = csp(app.test_client().get("/"))
    assert directives["form-action"] == ["'self'", "https://fc.exemple.test",
                                         "https://www.payfip.gouv.fr"]


@pytest.mark.parametrize("role", ROLES)
def test_h2_no_store_sur_les_pages_authentifiees(app, role):
    compte_id = creer_compte(app, role)
    vues = 0
    for endpoint, url in routes_sans_parametre(app):
        client = app.test_client()
        planter_session(client, compte_id, role)
        reponse = client.get(url)
        assert "no-store" in reponse.headers.get("Cache-Control", ""), endpoint
        vues += reponse.status_code == 200
    assert vues > 10


def test_h2_no_store_sur_le_retour_franceconnect(app):
    reponse = app.test_client().get("/connexion/franceconnect/retour",
                                    query_string={"code": "c", "state": "s"})
    assert reponse.status_code == 303
    assert "no-store" in reponse.headers["Cache-Control"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_h3_aucun_entete_cors(app, audience):
    client = app.test_client()
    connecter(app, client, audience)
    for endpoint, url in routes_sans_parametre(app):
        for methode in ("GET", "OPTIONS"):
            reponse = client.open(url, method=methode, headers={
                "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
            entetes = {nom.lower() for nom, _ in reponse.headers}
            assert not {e for e in entetes if e.startswith("access-control-")}, \
                (endpoint, methode)


# ---------------------------------------------------------------------------------------------
# I5: generic error pages
# ---------------------------------------------------------------------------------------------


def test_i5_une_route_qui_plante_donne_une_page_500_sans_trace(fabrique, caplog):
    app = fabrique(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    panne = Blueprint("panne", __name__)
    panne.audience = ("public",)  # let the default guard through: the view must run

    @panne.get("/panne")
    def planter():
        raise RuntimeError("SELECT mot_de_passe FROM compte -- /work/secret/portail.py")

    app.register_blueprint(panne)
    reponse = app.test_client().get("/panne")
    assert reponse.status_code == 500
    page = Page(reponse.text)
    assert page.tous("html")[0].get("lang") == "fr"
    assert page.tous("h1")[0].texte == "Erreur du portail"
    assert "Une erreur s’est produite de notre côté." in reponse.text
    for fuite in ("Traceback", "RuntimeError", "SELECT", "mot_de_passe", "/work", ".py",
                  "Internal Server Error"):
        assert fuite not in reponse.text
    verifier_entetes(app, reponse, "500")


def test_i5_le_mode_debug_est_coupe(app):
    assert not app.debug
    assert not app.config["DEBUG"]


@pytest.mark.parametrize(("methode", "chemin", "role", "code", "titre"), [
    ("GET", "/page-qui-n-existe-pas", None, 404, "Page introuvable"),
    ("GET", "/espace-famille/introuvable", "famille", 404, "Page introuvable"),
    ("GET", "/mairie/", "famille", 403, "Accès refusé"),
    ("GET", "/admin/", "agent", 403, "Accès refusé"),
    ("GET", "/deconnexion", None, 405, "Action non permise"),
    ("POST", "/simulateur", None, 405, "Action non permise"),
])
def test_i5_pages_d_erreur_en_francais(app, methode, chemin, role, code, titre):
    client = app.test_client()
    if role:
        connecter(app, client, role)
    reponse = client.open(chemin, method=methode)
    assert reponse.status_code == code
    page = Page(reponse.text)
    assert page.tous("html")[0].get("lang") == "fr"
    assert page.tous("h1")[0].texte == titre
    assert page.tous("title")[0].texte.startswith(titre)
    for anglais in ("Not Found", "Forbidden", "Method Not Allowed", "The requested URL"):
        assert anglais not in reponse.text


# ---------------------------------------------------------------------------------------------
# I1: CSRF on state changes, and GET requests that change nothing
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def app_csrf(fabrique):
    return fabrique(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)


def jeton_csrf(page_html: str) -> str:
    [jeton] = {e.get("value") for e in Page(page_html).tous("input", name="csrf_token")}
    return jeton


def assert_csrf_refuse(reponse):
    assert reponse.status_code == 400
    page = Page(reponse.text)
    assert page.tous("html")[0].get("lang") == "fr"
    assert page.tous("h1")[0].texte == "Requête incorrecte"
    assert "Le formulaire a expiré ou n’est pas valide." in reponse.text


def test_i1_deconnexion_sans_jeton_csrf_refusee(app_csrf):
    client = app_csrf.test_client()
    connecter(app_csrf, client, "famille")
    assert_csrf_refuse(client.post("/deconnexion"))
    assert_csrf_refuse(client.post("/deconnexion", data={"csrf_token": "faux"}))
    page = client.get("/espace-famille/")
    assert page.status_code == 200  # still signed in
    reponse = client.post("/deconnexion", data={"csrf_token": jeton_csrf(page.text)})
    assert reponse.status_code == 303


def test_i1_connexion_du_personnel_sans_jeton_csrf_refusee(app_csrf):
    creer_personnel(app_csrf, "agent", identifiant="agent.csrf")
    client = app_csrf.test_client()
    assert_csrf_refuse(connecter_personnel(client, "agent.csrf"))
    assert client.get("/mairie/").status_code == 302
    jeton = jeton_csrf(client.get("/connexion/personnel").text)
    reponse = client.post("/connexion/personnel", data={
        "identifiant": "agent.csrf", "mot_de_passe": "mot-de-passe-de-test-assez-long",
        "csrf_token": jeton})
    assert reponse.status_code == 303


@pytest.mark.parametrize("audience", AUDIENCES)
def test_i1_aucun_get_n_ecrit_en_base(app, audience, monkeypatch):
    compte_id = None if audience == "anonyme" else creer_compte(app, audience)
    ecritures = []
    en_cours = {}
    commit = sqlalchemy.orm.Session.commit

    def espion(session):
        ecritures.append(en_cours["endpoint"])
        return commit(session)

    monkeypatch.setattr(sqlalchemy.orm.Session, "commit", espion)
    for endpoint, url in routes_sans_parametre(app):
        en_cours["endpoint"] = endpoint
        client = app.test_client()
        if compte_id:
            monkeypatch.setattr(sqlalchemy.orm.Session, "commit", commit)
            planter_session(client, compte_id, audience)
            monkeypatch.setattr(sqlalchemy.orm.Session, "commit", espion)
        client.get(url)
    assert "auth.retour_franceconnect" in ecritures  # the spy sees commits
    assert set(ecritures) - set(ECRIVENT_EN_GET) == set()


@pytest.mark.parametrize("role", ROLES)
def test_i1_aucun_get_ne_met_fin_a_la_session(app, role):
    """Following a link must not sign anyone out: ending a session is a POST with CSRF."""
    compte_id = creer_compte(app, role)
    espace = {"famille": "/espace-famille/", "agent": "/mairie/", "admin": "/admin/"}[role]
    fermees = []
    for endpoint, url in routes_sans_parametre(app):
        client = app.test_client()
        planter_session(client, compte_id, role)
        client.get(url)
        if client.get(espace).status_code != 200:
            fermees.append(endpoint)
    assert fermees == []


# ---------------------------------------------------------------------------------------------
# I3: names are escaped wherever they appear
# ---------------------------------------------------------------------------------------------

SCRIPT = "<script>x</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
ECHAPPES = ("&lt;script&gt;x&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")


@pytest.mark.parametrize("role", ROLES)
def test_i3_noms_hostiles_echappes_sur_chaque_page(app, role):
    champs = {"prenoms": SCRIPT, "nom_naissance": IMAGE}
    if role != "famille":
        champs = {"prenoms": SCRIPT, "nom_usage": IMAGE}
    compte_id = creer_compte(app, role, **champs)
    pages = []
    for endpoint, url in routes_sans_parametre(app):
        client = app.test_client()
        planter_session(client, compte_id, role)
        reponse = client.get(url)
        if reponse.mimetype != "text/html":
            # Data exports carry the name as typed; they must never be read as HTML.
            assert reponse.headers["X-Content-Type-Options"] == "nosniff", endpoint
            continue
        texte = reponse.get_data(as_text=True)
        assert SCRIPT not in texte and "<img src=x" not in texte, endpoint
        if reponse.status_code == 200 and endpoint != "auth.deconnexion_retour":
            pages.append(endpoint)
            assert all(echappe in texte for echappe in ECHAPPES), endpoint
    assert len(pages) > 8
