"""The staff's second factor: TOTP (RFC 6238, 30 s steps, 6 digits) and single-use recovery
codes (issue 10). A code is accepted once: its time step must be later than the last one the
account used, written with a guarded UPDATE so that two simultaneous sign-ins cannot share it."""

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import CodeSecours
from portail_famille.models import Compte

PAS = 30
# One step either side: the phone's clock and the typing delay (RFC 6238 §5.2, §6).
FENETRE = 1
NOMBRE_DE_CODES_DE_SECOURS = 10
# No 0/O, 1/l/i: the codes are copied by hand from paper.
ALPHABET_SECOURS = "23456789abcdefghjkmnpqrstuvwxyz"
LONGUEUR_SECOURS = 12
_SEPARATEURS = re.compile(r"[\s\u00a0\u202f-]")


def nouveau_secret() -> str:
    """A fresh base32 secret of 160 bits (RFC 4226 §4 recommends as much)."""
    return pyotp.random_base32(32)


def secret_groupe(secret: str) -> str:
    """The secret as a person types it: groups of four characters."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def adresse_de_provisionnement(secret: str, identifiant: str, emetteur: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=identifiant, issuer_name=emetteur)


def _pas(moment: datetime) -> int:
    return int(moment.timestamp()) // PAS


def pas_du_code(secret: str, code: str, moment: datetime) -> int | None:
    """The time step within the window whose code this is, or None."""
    code = _SEPARATEURS.sub("", code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    courant = _pas(moment)
    for pas in range(courant - FENETRE, courant + FENETRE + 1):
        if hmac.compare_digest(totp.generate_otp(pas), code):
            return pas
    return None


def accepter_code(compte: Compte, code: str, moment: datetime) -> bool:
    """Whether the code is the account's, for a step it has not used yet; the step is then
    spent (replay: the same code, or an older one, is refused afterwards)."""
    if not compte.totp_secret:
        return False
    pas = pas_du_code(compte.totp_secret, code, moment)
    if pas is None:
        return False
    return _consommer_pas(compte, pas)


def _consommer_pas(compte: Compte, pas: int) -> bool:
    resultat = db.session.execute(
        sa.update(Compte)
        .where(Compte.id == compte.id,
               sa.or_(Compte.totp_dernier_pas.is_(None), Compte.totp_dernier_pas < pas))
        .values(totp_dernier_pas=pas)
        .execution_options(synchronize_session=False))
    if resultat.rowcount != 1:
        return False
    compte.totp_dernier_pas = pas
    return True


def enroler(compte: Compte, secret: str, code: str, moment: datetime) -> list[str] | None:
    """Confirm the enrolment with a code from the app; the 10 recovery codes in clear (to show
    once), or None when the code is not the secret's."""
    pas = pas_du_code(secret, code, moment)
    if pas is None:
        return None
    compte.totp_secret = secret
    compte.totp_active_le = moment
    compte.totp_dernier_pas = pas
    return nouveaux_codes_de_secours(compte)


def _empreinte(code: str) -> str:
    forme = _SEPARATEURS.sub("", code).lower()
    return hashlib.sha256(f"portail-famille:secours:{forme}".encode()).hexdigest()


def nouveaux_codes_de_secours(compte: Compte) -> list[str]:
    """Replace the account's recovery codes; the new ones in clear, grouped by four."""
    db.session.execute(sa.delete(CodeSecours).where(CodeSecours.compte_id == compte.id))
    codes = []
    for _ in range(NOMBRE_DE_CODES_DE_SECOURS):
        brut = "".join(secrets.choice(ALPHABET_SECOURS) for _ in range(LONGUEUR_SECOURS))
        codes.append("-".join(brut[i:i + 4] for i in range(0, LONGUEUR_SECOURS, 4)))
        db.session.add(CodeSecours(compte_id=compte.id, empreinte=_empreinte(codes[-1])))
    db.session.flush()
    return codes


def accepter_code_de_secours(compte: Compte, code: str, moment: datetime) -> bool:
    """Whether this is one of the account's unused recovery codes; it is then used up."""
    resultat = db.session.execute(
        sa.update(CodeSecours)
        .where(CodeSecours.compte_id == compte.id, CodeSecours.utilise_le.is_(None),
               CodeSecours.empreinte == _empreinte(code))
        .values(utilise_le=moment)
        .execution_options(synchronize_session=False))
    return resultat.rowcount == 1


def codes_de_secours_restants(compte_id: int) -> int:
    """How many recovery codes the account has not used."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(CodeSecours).where(
        CodeSecours.compte_id == compte_id, CodeSecours.utilise_le.is_(None)))


def reinitialiser(compte: Compte) -> None:
    """Forget the second factor: the next sign-in enrols a new one."""
    compte.totp_secret = None
    compte.totp_active_le = None
    compte.totp_dernier_pas = None
    db.session.execute(sa.delete(CodeSecours).where(CodeSecours.compte_id == compte.id))
