"""Households, the people who sign in, their sessions and the audit journal."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant


class Famille(db.Model):
    """A household: the adults who signed in, later its children, enrolments and QF records."""

    __tablename__ = "famille"

    id: Mapped[int] = mapped_column(primary_key=True)
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    # The family declined to share its income: the grid's sans_quotient price applies, knowingly.
    quotient_refuse_le: Mapped[datetime | None] = mapped_column(Horodatage)
    # The household's address, declared by the family (prefilled from the CAF's when offered).
    adresse_voie: Mapped[str] = mapped_column(sa.String(120), default="")
    adresse_complement: Mapped[str] = mapped_column(sa.String(120), default="")
    code_postal: Mapped[str] = mapped_column(sa.String(5), default="")
    commune_residence: Mapped[str] = mapped_column(sa.String(80), default="")
    # Decides the grid's hors_commune rule; None until the family has said (tarifs.md §3).
    reside_dans_la_commune: Mapped[bool | None] = mapped_column()
    # The family agreed that the town hall renews its QF each year by itself (issue 12).
    renouvellement_consenti_le: Mapped[datetime | None] = mapped_column(Horodatage)
    # The family (its address, its refusal) and agents (a QF set at the counter) both change
    # the household: a form loaded before the other's change gets a 409 (securite.md R1).
    modifie_le: Mapped[datetime | None] = mapped_column(Horodatage, onupdate=maintenant)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own protocol)


class Compte(db.Model):
    """A person who signs in: a family adult (through FranceConnect), an agent or an admin.

    Family accounts are keyed on (issuer, sub), never on email or names (franceconnect.md §8).
    """

    __tablename__ = "compte"
    __table_args__ = (sa.UniqueConstraint("fc_issuer", "fc_sub", name="uq_compte_fc"),
                      sa.UniqueConstraint("pc_issuer", "pc_sub", name="uq_compte_pc"))

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(10))  # famille, agent, admin
    actif: Mapped[bool] = mapped_column(default=True)
    famille_id: Mapped[int | None] = mapped_column(sa.ForeignKey("famille.id"), index=True)
    fc_issuer: Mapped[str | None] = mapped_column(sa.String(300))
    fc_sub: Mapped[str | None] = mapped_column(sa.String(200))
    # A staff account's ProConnect identity, bound at its first ProConnect sign-in on the email
    # an admin registered; later sign-ins match on these only (proconnect.md).
    pc_issuer: Mapped[str | None] = mapped_column(sa.String(300))
    pc_sub: Mapped[str | None] = mapped_column(sa.String(200))
    nom_naissance: Mapped[str] = mapped_column(sa.String(200), default="")
    nom_usage: Mapped[str] = mapped_column(sa.String(200), default="")
    prenoms: Mapped[str] = mapped_column(sa.String(300), default="")
    date_naissance: Mapped[str] = mapped_column(sa.String(10), default="")  # may be presumed
    sexe: Mapped[str] = mapped_column(sa.String(1), default="")  # M, F or empty
    code_commune_naissance: Mapped[str] = mapped_column(sa.String(5), default="")
    code_pays_naissance: Mapped[str] = mapped_column(sa.String(5), default="")
    email: Mapped[str] = mapped_column(sa.String(320), default="")
    # Names as the agents' search compares them (`recherche.tenir_a_jour`).
    nom_recherche: Mapped[str] = mapped_column(sa.String(800), default="", server_default="")
    identifiant: Mapped[str | None] = mapped_column(sa.String(320), unique=True)  # staff sign-in
    mot_de_passe: Mapped[str | None] = mapped_column(sa.String(300))  # staff: a hash, never text
    # A local staff account's second factor (RFC 6238): its base32 secret once enrolled, and the
    # last time step accepted, so that a code is never accepted twice (RFC 6238 §5.2).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_active_le: Mapped[datetime | None] = mapped_column(Horodatage)
    totp_dernier_pas: Mapped[int | None] = mapped_column(sa.BigInteger)
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    connecte_le: Mapped[datetime | None] = mapped_column(Horodatage)

    famille: Mapped[Famille | None] = sa.orm.relationship(backref="adultes")

    # Flask-Login's protocol, written out rather than inherited from UserMixin's defaults.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.actif

    def get_id(self) -> str:
        return str(self.id)

    @property
    def nom_affiche(self) -> str:
        prenom = self.prenoms.split(" ")[0] if self.prenoms else ""
        return " ".join(filter(None, [prenom, self.nom_usage or self.nom_naissance])) or \
            (self.identifiant or "")


class CodeSecours(db.Model):
    """A single-use recovery code of a staff account, stored as its SHA-256 only (the codes are
    random: a slow hash would add nothing but the wait)."""

    __tablename__ = "code_secours"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(sa.ForeignKey("compte.id", ondelete="CASCADE"),
                                           index=True)
    empreinte: Mapped[str] = mapped_column(sa.String(64))
    utilise_le: Mapped[datetime | None] = mapped_column(Horodatage)


class SessionServeur(db.Model):
    """A server-side session: the cookie holds a random token, this row holds its SHA-256.

    Deleting the row kills the session, so logout and account disabling are real (S1).
    """

    __tablename__ = "session_serveur"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    compte_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="CASCADE"), index=True
    )
    donnees: Mapped[str] = mapped_column(sa.Text, default="{}")
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    vu_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)


class Evenement(db.Model):
    """The security and audit journal: sign-ins, refusals, agent access to a family's data.

    Holds no identity, token or income value; `detail` is a short code or a reason typed by an
    agent (securite.md G3, A5).
    """

    __tablename__ = "evenement"

    id: Mapped[int] = mapped_column(primary_key=True)
    quand: Mapped[datetime] = mapped_column(Horodatage, default=maintenant, index=True)
    type: Mapped[str] = mapped_column(sa.String(40), index=True)
    compte_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compte.id", ondelete="SET NULL"))
    famille_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("famille.id", ondelete="CASCADE"), index=True
    )
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    compte: Mapped[Compte | None] = sa.orm.relationship()


class VerrouConnexion(db.Model):
    """Failed sign-ins counted under one key (an identifier typed, an address), and until when
    the next attempt waits. Keys are SHA-256 digests: the table names no one, and an unknown
    identifier is counted like a known one, so that a lock tells nothing of who exists."""

    __tablename__ = "verrou_connexion"

    cle: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    echecs: Mapped[int] = mapped_column(default=0)
    bloque_jusqu_a: Mapped[datetime | None] = mapped_column(Horodatage)
    modifie_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant,
                                                 onupdate=maintenant)
