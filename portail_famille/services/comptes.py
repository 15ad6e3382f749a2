"""Accounts: family adults reconciled on FranceConnect's (issuer, sub), staff with a password
and a second factor (TOTP), or through ProConnect on the email an admin registered."""

import re
import secrets
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from portail_famille.domaine import mots_de_passe
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Famille
from portail_famille.models import maintenant
from portail_famille.services import audit
from portail_famille.services import double_facteur
from portail_famille.services import verrous

ROLES = ("famille", "agent", "admin")
ROLES_DU_PERSONNEL = ("agent", "admin")
# A staff identifier: what a login field and a log line read without surprise.
IDENTIFIANT = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# What a work email looks like; ProConnect vouches for the address itself.
COURRIEL = re.compile(r"[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")


class CompteRefuse(ValueError):
    """A staff account that cannot be created or changed; the message says why, in French,
    and `champ` which field of a form it belongs next to (None: the whole action)."""

    def __init__(self, message: str, champ: str | None = None):
        super().__init__(message)
        self.champ = champ


def verifier_identifiant(identifiant: str) -> str:
    """The identifier as stored (lower case); raise CompteRefuse unless it is 2 to 64 letters,
    digits, « . », « - » or « _ », starting with a letter or a digit."""
    normalise = identifiant.strip().lower()
    if not IDENTIFIANT.fullmatch(normalise):
        raise CompteRefuse("l’identifiant ne peut contenir que des lettres sans accent, des "
                           "chiffres, « . », « - » et « _ » (2 à 64 caractères).",
                           "identifiant")
    return normalise


def verifier_courriel(courriel: str) -> str:
    """The email as stored (lower case); raise CompteRefuse unless it looks like one."""
    normalise = courriel.strip().lower()
    if len(normalise) > 320 or not COURRIEL.fullmatch(normalise):
        raise CompteRefuse("l’adresse électronique n’est pas valide, par exemple "
                           "prenom.nom@mairie.fr.", "courriel")
    return normalise


def verifier_mot_de_passe_choisi(mot_de_passe: str, identifiant: str | None = None) -> None:
    """Raise CompteRefuse unless the password meets the policy (domaine.mots_de_passe)."""
    try:
        mots_de_passe.verifier(mot_de_passe, identifiant)
    except mots_de_passe.MotDePasseRefuse as refus:
        raise CompteRefuse(str(refus), "mot_de_passe") from None


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


class RefusProConnect(Exception):
    """A verified ProConnect identity that opens no account; `code` names why (audited)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def rapprocher_proconnect(issuer: str, agent, siret_commune: str,
                          maintenant_: datetime) -> Compte:
    """The active staff account this ProConnect identity opens; raise RefusProConnect.

    Never an account created here (proconnect.md): only one an admin created for the email,
    bound to (issuer, sub) at the first sign-in, and only for someone signed in for the
    commune's own SIRET. Later sign-ins match on (issuer, sub) only, so that a stranger with
    the same email elsewhere cannot take the account. A local account (identifier, password
    and TOTP) is never opened this way. Every refusal is audited, with the account when known.

    No local TOTP here: ProConnect's identity providers handle the second factor.
    """
    compte = db.session.scalars(sa.select(Compte).where(
        Compte.pc_issuer == issuer, Compte.pc_sub == agent.sub)).first()
    if compte is None and agent.email:
        compte = db.session.scalars(sa.select(Compte).where(
            Compte.email == agent.email, Compte.role.in_(ROLES_DU_PERSONNEL),
            Compte.identifiant.is_(None), Compte.pc_sub.is_(None))).first()
    code = None
    if not siret_commune or agent.siret != siret_commune:
        code = "proconnect_siret_autre"
    elif compte is None:
        code = "proconnect_compte_inconnu"
    elif not compte.actif or compte.role not in ROLES_DU_PERSONNEL:
        code = "proconnect_compte_desactive"
    if code is not None:
        audit.consigner("refus_proconnect", compte_id=compte.id if compte else None, detail=code)
        raise RefusProConnect(code)
    if compte.pc_sub is None:
        compte.pc_issuer, compte.pc_sub = issuer, agent.sub
    # The names shown in the staff pages follow the identity provider's; the email stays the
    # one the admin registered (an email change there does not lose the account).
    compte.prenoms, compte.nom_usage = agent.prenom, agent.nom
    compte.connecte_le = maintenant_
    db.session.flush()
    audit.consigner("connexion_proconnect", compte_id=compte.id)
    return compte


def _verifier_role(role: str) -> None:
    if role not in ROLES_DU_PERSONNEL:
        raise CompteRefuse("rôle du personnel : agent ou admin.", "role")


def creer_personnel(identifiant: str, mot_de_passe: str, role: str) -> Compte:
    """A local agent or admin account, which enrols its TOTP at first sign-in; the password
    is stored as a salted hash only. Raise CompteRefuse for a wrong role, identifier or
    password, or an identifier already taken."""
    _verifier_role(role)
    identifiant = verifier_identifiant(identifiant)
    verifier_mot_de_passe_choisi(mot_de_passe, identifiant)
    if db.session.scalar(sa.select(Compte.id).where(Compte.identifiant == identifiant)):
        raise CompteRefuse(f"l’identifiant « {identifiant} » est déjà pris. Rien n’a été créé.",
                           "identifiant")
    compte = Compte(role=role, identifiant=identifiant,
                    mot_de_passe=generate_password_hash(mot_de_passe))
    db.session.add(compte)
    db.session.flush()
    return compte


def creer_personnel_proconnect(courriel: str, role: str) -> Compte:
    """An agent or admin account opened through ProConnect for this email: no password. Raise
    CompteRefuse for a wrong role or email, or an email another staff account has."""
    _verifier_role(role)
    courriel = verifier_courriel(courriel)
    if db.session.scalar(sa.select(Compte.id).where(
            Compte.email == courriel, Compte.role.in_(ROLES_DU_PERSONNEL))):
        raise CompteRefuse(f"l’adresse « {courriel} » a déjà un compte. Rien n’a été créé.",
                           "courriel")
    compte = Compte(role=role, email=courriel)
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
    """The active staff account whose password this is, still to pass its second factor; after
    repeated failures for this identifier or this address, a wait, whatever the password
    (`services.verrous`). Every success, failure and lock is audited; none tells whether the
    identifier exists. A right password does not clear the failures: only the second factor
    does, or the password would reset the count of the codes tried."""
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
        return Authentification(None, _echec(cles, maintenant_, "echec_connexion"))
    audit.consigner("mot_de_passe_accepte", compte_id=compte.id)
    return Authentification(compte)


def _echec(cles: dict[str, str], maintenant_: datetime, type_: str,
           compte_id: int | None = None) -> datetime | None:
    fin = verrous.noter_echec(cles, maintenant_)
    audit.consigner(type_, compte_id=compte_id, detail="personnel")
    if fin is not None:
        audit.consigner("verrouillage", compte_id=compte_id,
                        detail=f"personnel jusqu’à {fin.isoformat()}")
    return fin


def compte_en_attente(compte_id: int) -> Compte | None:
    """The active local staff account a second step is for, or None."""
    compte = db.session.get(Compte, compte_id)
    if compte is None or not compte.actif or compte.role not in ROLES_DU_PERSONNEL \
            or not compte.identifiant:
        return None
    return compte


def second_facteur(compte: Compte, code: str, adresse: str | None,
                   maintenant_: datetime) -> Authentification:
    """The second step of a staff sign-in: a TOTP code not used yet, or one of the unused
    recovery codes. Failures count with the password's, under the same keys."""
    cles = verrous.cles(compte.identifiant, adresse)
    fin = verrous.bloque_jusqu_a(cles, maintenant_)
    if fin is not None:
        audit.consigner("connexion_bloquee", compte_id=compte.id, detail="second facteur")
        return Authentification(None, fin)
    if double_facteur.accepter_code(compte, code, maintenant_):
        moyen = "totp"
    elif double_facteur.accepter_code_de_secours(compte, code, maintenant_):
        moyen = "code de secours"
    else:
        return Authentification(None, _echec(cles, maintenant_, "echec_second_facteur",
                                             compte.id))
    return _reussir(compte, cles, maintenant_, moyen)


def _reussir(compte: Compte, cles: dict[str, str], maintenant_: datetime,
             moyen: str) -> Authentification:
    verrous.effacer(cles)
    compte.connecte_le = maintenant_
    audit.consigner("connexion_personnel", compte_id=compte.id, detail=moyen)
    return Authentification(compte)


@dataclass(frozen=True)
class Enrolement:
    """The outcome of a TOTP enrolment: the recovery codes to show once, or a wait."""

    codes_de_secours: list[str] | None
    bloque_jusqu_a: datetime | None = None


def enroler_totp(compte: Compte, secret: str, code: str, adresse: str | None,
                 maintenant_: datetime) -> Enrolement:
    """Confirm a first TOTP with a code of the app; its failures count like a wrong code."""
    cles = verrous.cles(compte.identifiant, adresse)
    fin = verrous.bloque_jusqu_a(cles, maintenant_)
    if fin is not None:
        audit.consigner("connexion_bloquee", compte_id=compte.id, detail="enrôlement")
        return Enrolement(None, fin)
    codes = double_facteur.enroler(compte, secret, code, maintenant_)
    if codes is None:
        return Enrolement(None, _echec(cles, maintenant_, "echec_enrolement_totp", compte.id))
    audit.consigner("enrolement_totp", compte_id=compte.id)
    _reussir(compte, cles, maintenant_, "enrôlement")
    return Enrolement(codes)


COMPTES_DE_DEMO = (("agent.demo", "agent"), ("admin.demo", "admin"))


def reinitialiser_personnel_de_demo() -> list[tuple[str, str, str]]:
    """Sandbox only: the demo staff accounts with fresh random passwords, to print at start,
    and no TOTP yet: they enrol at their first sign-in."""
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
            double_facteur.reinitialiser(compte)
        resultat.append((identifiant, role, mot_de_passe))
    return resultat


def preparer_personnel_proconnect_de_demo(agents: list[tuple[str, str]]) -> None:
    """Sandbox only: an active staff account with this role for each (email, role) of the
    sandbox ProConnect's agents, not bound yet; a later sign-in binds it to its sandbox sub."""
    for courriel, role in agents:
        compte = db.session.scalars(sa.select(Compte).where(
            Compte.email == courriel, Compte.role.in_(ROLES_DU_PERSONNEL))).first()
        if compte is None:
            creer_personnel_proconnect(courriel, role)
        else:
            compte.role, compte.actif = role, True
