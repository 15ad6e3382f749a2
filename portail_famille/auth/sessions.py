"""Server-side sessions: revocable, renewed at sign-in, with idle and absolute timeouts.

Flask's default session lives in a signed cookie that cannot be revoked and that anyone can
read; here the cookie holds only a random token and the data stays in the database
(securite.md S1–S5). The store writes through its own connection, outside the request's
transaction, so that a view that rolls back still keeps its session and a GET never commits
business data.

The row is keyed on the token's SHA-256 and its data is encrypted with a key derived from the
token, which only the browser holds: the database alone never reads what a session carries
(the CAF's children and address offered for import, the id_token kept as a logout hint).
"""

import base64
import hashlib
import json
import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from werkzeug.datastructures import CallbackDict

from portail_famille.extensions import db
from portail_famille.models import SessionServeur

# Idle and absolute timeouts by role, as suggested in securite.md S5; to confirm with the DPO.
DELAIS = {
    "famille": (timedelta(minutes=30), timedelta(hours=12)),
    "agent": (timedelta(minutes=15), timedelta(hours=8)),
    "admin": (timedelta(minutes=15), timedelta(hours=8)),
}
DELAIS_ANONYME = (timedelta(minutes=30), timedelta(hours=12))
# `vu_le` is refreshed at most this often, so that reading pages costs no write each time.
PRECISION_ACTIVITE = timedelta(seconds=30)

TABLE = SessionServeur.__table__


def empreinte(jeton: str) -> str:
    """The id of the row of a session token: its SHA-256, never the token itself."""
    return hashlib.sha256(jeton.encode()).hexdigest()


def _cle(jeton: str) -> AESGCM:
    # Domain-separated from the row id, which is the token's plain SHA-256.
    return AESGCM(hashlib.sha256(b"portail-famille:session:" + jeton.encode()).digest())


def chiffrer(donnees: dict, jeton: str) -> str:
    """The session's data, encrypted for the row of `jeton` (AES-GCM, the row id as AAD)."""
    nonce = secrets.token_bytes(12)
    clair = json.dumps(donnees, separators=(",", ":")).encode()
    chiffre = _cle(jeton).encrypt(nonce, clair, empreinte(jeton).encode())
    return base64.urlsafe_b64encode(nonce + chiffre).decode()


def dechiffrer(texte: str, jeton: str) -> dict | None:
    """The data `chiffrer` wrote, or None when it was not written for this token."""
    try:
        brut = base64.urlsafe_b64decode(texte.encode())
        clair = _cle(jeton).decrypt(brut[:12], brut[12:], empreinte(jeton).encode())
    except (ValueError, InvalidTag):
        return None
    return json.loads(clair)


def _maintenant() -> datetime:
    return datetime.now(UTC)


class SessionPortail(CallbackDict, SessionMixin):
    """The session of one browser; `renouveler()` gives it a new identifier."""

    def __init__(self, donnees=None, jeton=None, cree_le=None, vu_le=None, cookie_perime=False):
        def modifiee(session):
            session.modified = True

        super().__init__(donnees, modifiee)
        self.jeton = jeton
        self.cree_le = cree_le
        self.vu_le = vu_le
        # The browser sent a token that no longer exists: its cookie is cleared on the way out.
        self.cookie_perime = cookie_perime
        self.ancien_jeton: str | None = None
        self.modified = False

    @property
    def new(self) -> bool:
        return self.jeton is None

    def renouveler(self) -> None:
        """Drop every key and the old identifier: sign-in, role change and logout call this."""
        self.ancien_jeton = self.ancien_jeton or self.jeton
        self.jeton = None
        self.cree_le = None
        self.clear()
        self.modified = True


def expiree(role: str | None, cree_le: datetime, vu_le: datetime, maintenant: datetime) -> bool:
    """Whether a session of `role` is past its idle or absolute timeout."""
    inactivite, absolu = DELAIS.get(role or "", DELAIS_ANONYME)
    return maintenant - vu_le > inactivite or maintenant - cree_le > absolu


class InterfaceSessionServeur(SessionInterface):
    """Flask session interface backed by the `session_serveur` table."""

    def open_session(self, app, request):
        jeton = request.cookies.get(self.get_cookie_name(app))
        if not jeton:
            return SessionPortail()
        # Read in the request's own transaction: the page's queries follow on the same
        # connection, without a second checkout, BEGIN and COMMIT for every page.
        ligne = db.session.execute(sa.select(TABLE).where(TABLE.c.id == empreinte(jeton))).first()
        donnees = None if ligne is None else dechiffrer(ligne.donnees, jeton)
        if donnees is None:
            return SessionPortail(cookie_perime=True)
        cree_le, vu_le = _utc(ligne.cree_le), _utc(ligne.vu_le)
        if expiree(donnees.get("role"), cree_le, vu_le, _maintenant()):
            db.session.execute(sa.delete(TABLE).where(TABLE.c.id == ligne.id))
            db.session.commit()
            return SessionPortail(cookie_perime=True)
        return SessionPortail(donnees, jeton, cree_le, vu_le)

    def save_session(self, app, session: SessionPortail, response):
        nom = self.get_cookie_name(app)
        reglages = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
        }
        maintenant = _maintenant()
        vide = not session
        # A page read within PRECISION_ACTIVITE of the last one writes nothing, and takes no
        # connection: most requests of a signed-in family are such reads.
        a_ecrire = bool(session.ancien_jeton) or (bool(session.jeton) if vide else (
            session.new or session.modified or maintenant - session.vu_le > PRECISION_ACTIVITE))
        nouvelle = not vide and session.new
        if a_ecrire:
            with db.engine.begin() as connexion:
                if session.ancien_jeton:
                    _supprimer(connexion, session.ancien_jeton)
                if vide and session.jeton:
                    _supprimer(connexion, session.jeton)
                elif not vide:
                    self._enregistrer(connexion, session, nouvelle, maintenant)
        if vide:
            if session.jeton or session.ancien_jeton or session.cookie_perime:
                response.delete_cookie(nom, **reglages)
            return
        if nouvelle:
            response.set_cookie(nom, session.jeton, **reglages)
        response.vary.add("Cookie")

    @staticmethod
    def _enregistrer(connexion, session: SessionPortail, nouvelle: bool,
                     maintenant: datetime) -> None:
        if nouvelle:
            session.jeton = secrets.token_urlsafe(32)
        valeurs = {
            "donnees": chiffrer(dict(session), session.jeton),
            "compte_id": _compte(session),
            "vu_le": maintenant,
        }
        if nouvelle:
            connexion.execute(sa.insert(TABLE).values(
                id=empreinte(session.jeton), cree_le=maintenant, **valeurs))
        else:
            connexion.execute(sa.update(TABLE)
                              .where(TABLE.c.id == empreinte(session.jeton)).values(**valeurs))


def _supprimer(connexion, jeton: str) -> None:
    connexion.execute(sa.delete(TABLE).where(TABLE.c.id == empreinte(jeton)))


def revoquer(compte_id: int) -> None:
    """End every session of an account (logout everywhere, account disabled)."""
    with db.engine.begin() as connexion:
        connexion.execute(sa.delete(TABLE).where(TABLE.c.compte_id == compte_id))


def _compte(session) -> int | None:
    identifiant = session.get("_user_id")
    return int(identifiant) if identifiant and str(identifiant).isdigit() else None


def _utc(valeur: datetime) -> datetime:
    return valeur if valeur.tzinfo else valeur.replace(tzinfo=UTC)
