"""Accounts: family adults reconciled on FranceConnect's (issuer, sub), staff with a password."""

import re
import secrets
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Famille
from portail_famille.models import maintenant
from portail_famille.services import audit
from portail_famille.services import verrous

ROLES = ("famille", "agent", "admin")
ROLES_DU_PERSONNEL = ("agent", "admin")
# A staff identifier: what a login field and a log line read without surprise.
IDENTIFIANT = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MOT_DE_PASSE_MINIMUM = 12


class CompteRefuse(ValueError):
    """A staff account that cannot be created; the message says why, in French."""


def verifier_identifiant(identifiant: str) -> str:
    """The identifier as stored (lower case); raise CompteRefuse unless it is 2 to 64 letters,
    digits, « . », « - » or « _ », starting with a letter or a digit."""
    normalise = identifiant.strip().lower()
    if not IDENTIFIANT.fullmatch(normalise):
        raise CompteRefuse("l’identifiant ne peut contenir que des lettres sans accent, des "
                           "chiffres, « . », « - » et « _ » (2 à 64 caractères).")
    return normalise
CHAMPS_IDENTITE = ("prenoms", "nom_naissance", "nom_usage", "date_naissance", "sexe",
                   "code_commune_naissance", "code_pays_naissance", "email")


def rapprocher_franceconnect(issuer: str, identite) -> tuple[Compte, bool]:
    """The family account keyed on (issuer, sub), created at first sign-in; (account, created).

    Never matched on email or names (franceconnect.md §8); the identity is refreshed at every
    sign-in because the civil-status register corrects it.
    """
    compte = db.session.scalars(
        sa.select(Compte).where(Compte.fc_issuer == issuer, Compte.fc_sub == identite.sub)
    ).first()
    cree = compte is None
    if cree:
        compte = Compte(role="famille", fc_issuer=issuer, fc_sub=identite.sub, famille=Famille())
        db.session.add(compte)
    valeurs = asdict(identite)
    for champ in CHAMPS_IDENTITE:
        setattr(compte, champ, valeurs[champ])
    compte.connecte_le = maintenant()
    db.session.flush()
    audit.consigner("connexion_franceconnect", compte_id=compte.id,
                      famille_id=compte.famille_id, detail="création" if cree else "")
    return compte, cree


def creer_personnel(identifiant: str, mot_de_passe: str, role: str) -> Compte:
    """An agent or admin account; the password is stored as a salted hash only. Raise
    CompteRefuse for a wrong role, identifier or password, or an identifier already taken."""
    if role not in ROLES_DU_PERSONNEL:
        raise CompteRefuse("rôle du personnel : agent ou admin.")
    identifiant = verifier_identifiant(identifiant)
    if len(mot_de_passe) < MOT_DE_PASSE_MINIMUM:
        raise CompteRefuse(f"le mot de passe doit compter au moins {MOT_DE_PASSE_MINIMUM} "
                           "caractères.")
    if db.session.scalar(sa.select(Compte.id).where(Compte.identifiant == identifiant)):
        raise CompteRefuse(f"l’identifiant « {identifiant} » est déjà pris. Rien n’a été créé.")
    compte = Compte(role=role, identifiant=identifiant,
                    mot_de_passe=generate_password_hash(mot_de_passe))
    db.session.add(compte)
    db.session.flush()
    return compte


@dataclass(frozen=True)
class Authentification:
    """The outcome of a staff sign-in: the account it opens, or until when attempts wait."""

    compte: Compte | None
    bloque_jusqu_a: datetime | None = None


# One decoy hash per hashing function, computed once: hashing a fresh password at every
# unknown identifier cost more than checking a real one, and told which identifiers exist.
# (Keyed on the function because the tests swap it for a cheaper one.)
_LEURRES: dict = {}


def _leurre() -> str:
    if generate_password_hash not in _LEURRES:
        _LEURRES[generate_password_hash] = generate_password_hash(secrets.token_urlsafe(16))
    return _LEURRES[generate_password_hash]


def verifier_mot_de_passe(compte: Compte | None, mot_de_passe: str) -> bool:
    """Whether the password opens this active staff account; as long for an unknown one."""
    if compte is None or not compte.actif or not compte.mot_de_passe:
        check_password_hash(_leurre(), mot_de_passe)
        return False
    return check_password_hash(compte.mot_de_passe, mot_de_passe)


def authentifier_personnel(identifiant: str, mot_de_passe: str, adresse: str | None,
                           maintenant_: datetime) -> Authentification:
    """The active staff account these credentials open; after repeated failures for this
    identifier or this address, a wait, whatever the password (`services.verrous`). Every
    success, failure and lock is audited; none tells whether the identifier exists."""
    cles = verrous.cles(identifiant, adresse)
    fin = verrous.bloque_jusqu_a(cles, maintenant_)
    if fin is not None:
        audit.consigner("connexion_bloquee", detail="personnel")
        return Authentification(None, fin)
    compte = db.session.scalars(
        sa.select(Compte).where(Compte.identifiant == identifiant.strip().lower(),
                                Compte.role.in_(ROLES_DU_PERSONNEL))
    ).first()
    if not verifier_mot_de_passe(compte, mot_de_passe):
        fin = verrous.noter_echec(cles, maintenant_)
        audit.consigner("echec_connexion", detail="personnel")
        if fin is not None:
            audit.consigner("verrouillage", detail=f"personnel jusqu’à {fin.isoformat()}")
        return Authentification(None, fin)
    verrous.effacer(cles)
    compte.connecte_le = maintenant_
    audit.consigner("connexion_personnel", compte_id=compte.id)
    return Authentification(compte)


COMPTES_DE_DEMO = (("agent.demo", "agent"), ("admin.demo", "admin"))


def reinitialiser_personnel_de_demo() -> list[tuple[str, str, str]]:
    """Sandbox only: the demo staff accounts with fresh random passwords, to print at start."""
    resultat = []
    for identifiant, role in COMPTES_DE_DEMO:
        mot_de_passe = secrets.token_urlsafe(9)
        compte = db.session.scalars(
            sa.select(Compte).where(Compte.identifiant == identifiant)).first()
        if compte is None:
            creer_personnel(identifiant, mot_de_passe, role)
        else:
            compte.mot_de_passe = generate_password_hash(mot_de_passe)
            compte.actif = True
        resultat.append((identifiant, role, mot_de_passe))
    return resultat
