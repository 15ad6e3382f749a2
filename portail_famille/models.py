"""SQLAlchemy models. Models never commit and never touch the request: services and views do."""

from datetime import UTC
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.domaine.montants import CENTIME
from portail_famille.extensions import db


def maintenant() -> datetime:
    """The current time, timezone-aware UTC (a callable, so defaults are computed per row)."""
    return datetime.now(UTC)


class Horodatage(sa.types.TypeDecorator):
    """A UTC timestamp that comes back timezone-aware on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("horodatage sans fuseau horaire")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Montant(sa.types.TypeDecorator):
    """An exact amount to the cent: NUMERIC on PostgreSQL, text on SQLite (a float there)."""

    impl = sa.String(24)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Numeric(14, 2, asdecimal=True))
        return dialect.type_descriptor(sa.String(24))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal) or value != value.quantize(CENTIME):
            raise TypeError("un montant est un Decimal au centime près")
        value = value.quantize(CENTIME)
        return value if dialect.name == "postgresql" else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(CENTIME)


class GrilleVersion(db.Model):
    """One version of the tariff grid, its YAML text kept exactly as written (tarifs.md §6)."""

    __tablename__ = "grille_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    texte: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    source: Mapped[str] = mapped_column(sa.String(16))  # fichier, admin, import
    auteur: Mapped[str] = mapped_column(sa.String(200))
    commentaire: Mapped[str] = mapped_column(sa.String(500), default="")
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)


class Famille(db.Model):
    """A household: the adults who signed in, later its children, enrolments and QF records."""

    __tablename__ = "famille"

    id: Mapped[int] = mapped_column(primary_key=True)
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)


class Compte(db.Model):
    """A person who signs in: a family adult (through FranceConnect), an agent or an admin.

    Family accounts are keyed on (issuer, sub), never on email or names (franceconnect.md §8).
    """

    __tablename__ = "compte"
    __table_args__ = (sa.UniqueConstraint("fc_issuer", "fc_sub", name="uq_compte_fc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(10))  # famille, agent, admin
    actif: Mapped[bool] = mapped_column(default=True)
    famille_id: Mapped[int | None] = mapped_column(sa.ForeignKey("famille.id"), index=True)
    fc_issuer: Mapped[str | None] = mapped_column(sa.String(300))
    fc_sub: Mapped[str | None] = mapped_column(sa.String(200))
    nom_naissance: Mapped[str] = mapped_column(sa.String(200), default="")
    nom_usage: Mapped[str] = mapped_column(sa.String(200), default="")
    prenoms: Mapped[str] = mapped_column(sa.String(300), default="")
    date_naissance: Mapped[str] = mapped_column(sa.String(10), default="")  # may be presumed
    sexe: Mapped[str] = mapped_column(sa.String(1), default="")  # M, F or empty
    code_commune_naissance: Mapped[str] = mapped_column(sa.String(5), default="")
    code_pays_naissance: Mapped[str] = mapped_column(sa.String(5), default="")
    email: Mapped[str] = mapped_column(sa.String(320), default="")
    identifiant: Mapped[str | None] = mapped_column(sa.String(320), unique=True)  # staff sign-in
    mot_de_passe: Mapped[str | None] = mapped_column(sa.String(300))  # staff: a hash, never text
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
