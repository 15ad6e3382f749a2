"""Helpers shared by the web tests: accounts, planted sessions, routes and HTML reading.

Families sign in through FranceConnect; the tests that are not about FranceConnect plant the
session directly (`_user_id` and `role`), which the server-side session interface supports.
"""

import io
import re
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from itertools import count

import pyotp
import pytest
import sqlalchemy as sa
import time_machine
from flask import url_for
from pypdf import PdfReader
from werkzeug.security import generate_password_hash

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import maintenant
from portail_famille.services import clients_api
from portail_famille.services import comptes as services_comptes
from tests import fabriques

MOT_DE_PASSE = "mot-de-passe-de-test-assez-long"
# The TOTP secret the staff accounts of the tests are enrolled with (`creer_personnel`).
SECRET_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PAS_TOTP = 30
ROLES = ("famille", "agent", "admin")
AUDIENCES = ("anonyme", *ROLES)

_numeros = count(1)


def horloge_a(instant: datetime, tick: bool = False):
    """The `horloge` fixture of tests that live at `instant` (bind it under that name in the
    module or conftest): time_machine's traveller, the clock stopped there through the whole
    test, or running on from it with `tick` (a browser's own timers need it)."""

    @pytest.fixture
    def horloge():
        with time_machine.travel(instant, tick=tick) as voyage:
            yield voyage

    return horloge


@pytest.fixture
def app_a_l_heure(fabrique_du_module, horloge):
    """The `app` of tests under `horloge` (bind it as `app`): the module's shared app, built,
    lent and put back (its grid imported again) at the clock's instant."""
    with fabrique_du_module(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False).pour_un_test() as app:
        yield app


def creer_famille(app, prenoms: str = "", nom_naissance: str = "", **identite) -> int:
    """A family adult account with its household, nothing declared yet; the account id."""
    return fabriques.creer_foyer(app, prenom=prenoms, nom=nom_naissance, naissance="", email="",
                                 reside=None, adresse={}, **identite).compte_id


def creer_personnel(app, role: str = "agent", identifiant: str | None = None,
                    mot_de_passe: str = MOT_DE_PASSE, totp: str | None = SECRET_TOTP,
                    **champs) -> int:
    """An agent or admin account (through the service), its TOTP enrolled with `totp` (None:
    it enrols at its first sign-in); returns the account id."""
    with app.app_context():
        compte = services_comptes.creer_personnel(
            identifiant or f"{role}.{next(_numeros)}", mot_de_passe, role)
        if totp:
            compte.totp_secret = totp
            compte.totp_active_le = maintenant()
        for nom, valeur in champs.items():
            setattr(compte, nom, valeur)
        db.session.commit()
        return compte.id


def sans_attente(app) -> None:
    """The app's API clients, with a clock that never waits: retries and pauses are instant."""
    app.extensions["revenus"] = clients_api.Clients(app.extensions["portail"],
                                                    attendre=lambda secondes: None)


def hachage_rapide(monkeypatch) -> None:
    """Cheap password hashes for tests that are not about hashing (scrypt costs 0.1 s each)."""
    monkeypatch.setattr(services_comptes, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1000"))


def creer_compte(app, role: str, **champs) -> int:
    return creer_famille(app, **champs) if role == "famille" else \
        creer_personnel(app, role, **champs)


def planter_session(client, compte_id: int, role: str, **autres) -> None:
    """Sign `client` in as the account, without going through a sign-in page."""
    with client.session_transaction() as session:
        session["_user_id"] = str(compte_id)
        session["role"] = role
        session.update(autres)


def connecter(app, client, audience: str, **champs) -> int | None:
    """Sign `client` in as a new account of `audience` ("anonyme": nobody); its id or None."""
    if audience == "anonyme":
        return None
    compte_id = creer_compte(app, audience, **champs)
    planter_session(client, compte_id, audience)
    return compte_id


def code_totp(secret: str = SECRET_TOTP, decalage: int = 0) -> str:
    """The code an authenticator app shows now (`decalage` steps later or earlier)."""
    return pyotp.TOTP(secret).generate_otp(int(time.time()) // PAS_TOTP + decalage)


def prochain_code(app, identifiant: str) -> str:
    """A code the account accepts now: the current step's, or the next one's when the current
    one is spent (two sign-ins in the same 30 s, as a person waits for the next code)."""
    with app.app_context():
        secret, dernier = db.session.execute(sa.select(
            Compte.totp_secret, Compte.totp_dernier_pas).where(
            Compte.identifiant == identifiant.strip().lower())).one()
    courant = int(time.time()) // PAS_TOTP
    for pas in (courant, courant + 1):
        if dernier is None or pas > dernier:
            return pyotp.TOTP(secret).generate_otp(pas)
    raise AssertionError("plus de deux connexions de ce compte dans les mêmes 30 secondes : "
                         "avancez l'horloge (time_machine)")


ETAPE_CODE = "/connexion/personnel/code"
ETAPE_ENROLEMENT = "/connexion/personnel/enrolement"


def connecter_personnel(client, identifiant: str, mot_de_passe: str = MOT_DE_PASSE,
                        suivant: str | None = None, code: str | None = None):
    """Sign in through the staff forms (CSRF disabled in the app): the password, then the code
    (`code`, else one the account accepts now); an account not enrolled yet enrols with the key
    its page shows. The last answer: the password's when it is refused."""
    reponse = client.post("/connexion/personnel",
                          query_string={"next": suivant} if suivant else None,
                          data={"identifiant": identifiant, "mot_de_passe": mot_de_passe})
    if reponse.status_code != 303:
        return reponse
    if reponse.location == ETAPE_ENROLEMENT:
        page = Page(client.get(ETAPE_ENROLEMENT).text)
        secret = page.par_id("cle-totp").texte.replace(" ", "")
        return client.post(ETAPE_ENROLEMENT, data={"code": code or code_totp(secret)})
    assert reponse.location == ETAPE_CODE, reponse.location
    return client.post(ETAPE_CODE, data={
        "code": code or prochain_code(client.application, identifiant)})


def jeton_session(client, app) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def routes_sans_parametre(app, methode: str = "GET") -> list[tuple[str, str]]:
    """(endpoint, URL) of every rule answering `methode` that needs no argument; static aside.

    Rules whose arguments all have defaults are built with those defaults.
    """
    routes = []
    with app.test_request_context():
        for regle in app.url_map.iter_rules():
            if regle.endpoint == "static" or methode not in regle.methods:
                continue
            defauts = regle.defaults or {}
            if set(regle.arguments) - set(defauts):
                continue
            url = url_for(regle.endpoint, **defauts)
            if (regle.endpoint, url) not in routes:
                routes.append((regle.endpoint, url))
    return sorted(routes)


def est_un_document(reponse) -> bool:
    """A PDF answer (an invoice, the tax certificate) is a document, not a page: no markup runs
    in it, and its words are read with `texte_de`."""
    return reponse.mimetype == "application/pdf"


def texte_de(reponse) -> str:
    """What a reader of the answer sees: a page's source, or the words of a PDF (its streams
    are compressed: its bytes would show none of them)."""
    if est_un_document(reponse):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(reponse.data)).pages)
    return reponse.text


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

_BLANCS = re.compile(r"[ \t\n\r\f]+")
VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr", "circle", "line", "polyline", "path", "rect"}


@dataclass
class Element:
    tag: str
    attrs: dict
    morceaux: list = field(default_factory=list)
    enfants: list = field(default_factory=list)

    @property
    def texte(self) -> str:
        """The text, ASCII whitespace collapsed (no-break spaces are kept: they are data)."""
        return _BLANCS.sub(" ", "".join(self.morceaux)).strip()

    def get(self, nom: str, defaut=None):
        return self.attrs.get(nom, defaut)

    def tous(self, tag: str) -> list["Element"]:
        """Descendants with this tag, in document order."""
        trouves = []
        for enfant in self.enfants:
            if enfant.tag == tag:
                trouves.append(enfant)
            trouves.extend(enfant.tous(tag))
        return trouves


class _Analyseur(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.racine = Element("#document", {})
        self.pile = [self.racine]
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {nom: ("" if valeur is None else valeur) for nom, valeur in attrs})
        self.pile[-1].enfants.append(element)
        self.elements.append(element)
        if tag not in VIDES:
            self.pile.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VIDES:
            self.pile.pop()

    def handle_endtag(self, tag):
        for indice in range(len(self.pile) - 1, 0, -1):
            if self.pile[indice].tag == tag:
                del self.pile[indice:]
                return

    def handle_data(self, data):
        for element in self.pile:
            element.morceaux.append(data)


class Page:
    """A parsed HTML page: find elements by id, tag or attribute."""

    def __init__(self, html: str):
        analyseur = _Analyseur()
        analyseur.feed(html)
        analyseur.close()
        self.racine = analyseur.racine
        self.elements = analyseur.elements

    def par_id(self, identifiant: str) -> Element:
        trouves = [e for e in self.elements if e.get("id") == identifiant]
        assert len(trouves) == 1, f"{len(trouves)} éléments d'id « {identifiant} »"
        return trouves[0]

    def tous(self, tag: str, **attrs) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.get(nom.rstrip("_").replace("_", "-")) == valeur
                        for nom, valeur in attrs.items())]

    def formulaires_de_deconnexion(self) -> list[Element]:
        return [f for f in self.tous("form") if f.get("action") == "/deconnexion"
                and f.get("method", "").lower() == "post"
                and any(i.get("name") == "csrf_token" and i.get("value")
                        for i in f.tous("input"))
                and f.tous("button")]


def poster_adresse(client, donnees: dict, **options):
    """Post the household form as a browser does: with the version its page carries (R1)."""
    version = Page(client.get("/espace-famille/foyer").text).par_id("version").get("value")
    return client.post("/espace-famille/foyer", data={"version": version, **donnees}, **options)
