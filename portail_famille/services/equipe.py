"""The admins' management of staff accounts (issue 11 §7): create, change a role, deactivate
and reactivate, reset the second factor. Every change is audited under the admin who made it;
the portal always keeps an active admin; a deactivated account's sessions end at once."""

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import SessionServeur
from portail_famille.services import audit
from portail_famille.services import comptes
from portail_famille.services import double_facteur

DERNIER_ADMIN = ("le portail doit garder au moins un administrateur actif : nommez-en un "
                 "autre avant.")


def lister() -> list[Compte]:
    """Every staff account, admins first, then by identifier or email."""
    return list(db.session.scalars(
        sa.select(Compte).where(Compte.role.in_(comptes.ROLES_DU_PERSONNEL))
        .order_by(Compte.role, sa.func.coalesce(Compte.identifiant, Compte.email))))


def compte_du_personnel(compte_id: int) -> Compte | None:
    """The staff account of this id, or None (a family account is not the admins' to manage)."""
    compte = db.session.get(Compte, compte_id)
    return compte if compte is not None and compte.role in comptes.ROLES_DU_PERSONNEL else None


def _libelle(compte: Compte) -> str:
    # The journal names the account by its number: no email or identifier in the audit rows.
    return f"compte n° {compte.id}"


def creer(acteur_id: int, role: str, *, courriel: str = "", identifiant: str = "",
          mot_de_passe: str = "") -> Compte:
    """A ProConnect account (`courriel`) or a local one (identifier and initial password);
    raise comptes.CompteRefuse."""
    if courriel:
        compte = comptes.creer_personnel_proconnect(courriel, role)
        nature = "ProConnect"
    else:
        compte = comptes.creer_personnel(identifiant, mot_de_passe, role)
        nature = "local"
    audit.consigner("compte_cree", compte_id=acteur_id,
                    detail=f"{_libelle(compte)} {role} {nature}")
    return compte


def _verifier_qu_il_reste_un_admin(compte: Compte) -> None:
    """Raise CompteRefuse when `compte` is the last active admin. The admins' rows are locked
    (PostgreSQL): two admins demoting each other at once cannot both pass."""
    if compte.role != "admin" or not compte.actif:
        return
    autres = db.session.scalars(
        sa.select(Compte.id).where(Compte.role == "admin", Compte.actif.is_(True),
                                   Compte.id != compte.id).with_for_update()).all()
    if not autres:
        raise comptes.CompteRefuse(DERNIER_ADMIN)


def _fermer_les_sessions(compte: Compte) -> None:
    db.session.execute(sa.delete(SessionServeur).where(SessionServeur.compte_id == compte.id))


def changer_role(acteur_id: int, compte: Compte, role: str) -> None:
    """A new role; its sessions end (a role is granted at sign-in, S2). Raise CompteRefuse."""
    if role not in comptes.ROLES_DU_PERSONNEL:
        raise comptes.CompteRefuse("rôle du personnel : agent ou admin.", "role")
    if role == compte.role:
        return
    if role != "admin":
        _verifier_qu_il_reste_un_admin(compte)
    ancien, compte.role = compte.role, role
    _fermer_les_sessions(compte)
    audit.consigner("compte_role", compte_id=acteur_id,
                    detail=f"{_libelle(compte)} {ancien} → {role}")


def desactiver(acteur_id: int, compte: Compte) -> None:
    """No more sign-in; its open sessions are deleted now (S1). Raise CompteRefuse."""
    _verifier_qu_il_reste_un_admin(compte)
    compte.actif = False
    _fermer_les_sessions(compte)
    audit.consigner("compte_desactive", compte_id=acteur_id, detail=_libelle(compte))


def reactiver(acteur_id: int, compte: Compte) -> None:
    """The account may sign in again."""
    compte.actif = True
    audit.consigner("compte_reactive", compte_id=acteur_id, detail=_libelle(compte))


def reinitialiser_totp(acteur_id: int, compte: Compte) -> None:
    """Forget its TOTP and recovery codes: the next sign-in enrols anew; its sessions end."""
    if not compte.identifiant:
        raise comptes.CompteRefuse("un compte ProConnect n’a pas de double authentification "
                                   "propre au portail.")
    double_facteur.reinitialiser(compte)
    _fermer_les_sessions(compte)
    audit.consigner("totp_reinitialise", compte_id=acteur_id, detail=_libelle(compte))
