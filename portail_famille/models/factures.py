"""Monthly invoices: a campaign per month, one invoice per paying household, its lines (days ×
unit price), credit notes, payments received at the régie's counter, and the per-year counters
that number them without a gap."""

import secrets
from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from portail_famille.domaine.facturation import MOTIFS
from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import Montant
from portail_famille.models.base import maintenant

STATUTS_CAMPAGNE = {"brouillon": "Brouillon", "emise": "Émise"}
# How the régie takes a payment at its counter (what calendrier.yaml's `paiement` tells families).
MODES_ENCAISSEMENT = {"cheque": "Chèque", "especes": "Espèces"}


class CampagneFacturation(db.Model):
    """The invoicing of one month (`mois`, its first day): a draft recomputed at will until it
    is issued, then never again."""

    __tablename__ = "campagne_facturation"
    __table_args__ = (
        sa.CheckConstraint("statut IN ('brouillon', 'emise')", name="statut"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mois: Mapped[date] = mapped_column(sa.Date, unique=True)
    statut: Mapped[str] = mapped_column(sa.String(10), default="brouillon")
    grille_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    # The days the draft could not price (no period, service dropped), one per line: the
    # agent reads them before issuing.
    anomalies: Mapped[str] = mapped_column(sa.Text, default="")
    calcule_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    calcule_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    emise_le: Mapped[datetime | None] = mapped_column(Horodatage)
    emise_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))

    @property
    def emise(self) -> bool:
        return self.statut == "emise"


class Facture(db.Model):
    """A household's invoice for a campaign's month; `numero` only once issued, and from then
    on nothing of it changes (a correction is an `Avoir`)."""

    __tablename__ = "facture"
    __table_args__ = (
        sa.UniqueConstraint("campagne_id", "famille_id", name="uq_facture_campagne_famille"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campagne_facturation.id", ondelete="CASCADE"), index=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id"), index=True)
    numero: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    total: Mapped[Decimal] = mapped_column(Montant)
    # The payer and its address as they were when the invoice was computed.
    destinataire: Mapped[str] = mapped_column(sa.String(300), default="")
    adresse: Mapped[str] = mapped_column(sa.String(400), default="")
    emise_le: Mapped[datetime | None] = mapped_column(Horodatage)
    echeance: Mapped[date | None] = mapped_column(sa.Date)

    campagne: Mapped[CampagneFacturation] = relationship()
    lignes: Mapped[list["LigneFacture"]] = relationship(
        back_populates="facture", cascade="all, delete-orphan", order_by="LigneFacture.id")
    avoirs: Mapped[list["Avoir"]] = relationship(back_populates="facture",
                                                 order_by="Avoir.id")
    encaissements: Mapped[list["Encaissement"]] = relationship(
        back_populates="facture", order_by="Encaissement.id")

    @property
    def emise(self) -> bool:
        return self.numero is not None

    @property
    def encaissements_comptes(self) -> list["Encaissement"]:
        """The régie's takings that count: the cancelled entries left out."""
        return [e for e in self.encaissements if e.annule_le is None]


class LigneFacture(db.Model):
    """Days of one child in one service billed at one unit price, with the explanation of the
    price and the grid version it came from."""

    __tablename__ = "ligne_facture"

    id: Mapped[int] = mapped_column(primary_key=True)
    facture_id: Mapped[int] = mapped_column(sa.ForeignKey("facture.id", ondelete="CASCADE"),
                                            index=True)
    enfant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enfant.id", ondelete="SET NULL"))
    enfant: Mapped[str] = mapped_column(sa.String(200))  # the child's name, as billed
    service: Mapped[str] = mapped_column(sa.String(60))
    libelle_service: Mapped[str] = mapped_column(sa.String(200))
    motif: Mapped[str] = mapped_column(sa.String(30))  # a key of domaine.facturation.MOTIFS
    jours: Mapped[str] = mapped_column(sa.Text)  # "2026-11-02,2026-11-03"
    quantite: Mapped[int] = mapped_column()
    prix_unitaire: Mapped[Decimal] = mapped_column(Montant)
    montant: Mapped[Decimal] = mapped_column(Montant)
    explication: Mapped[str] = mapped_column(sa.String(500))
    grille_sha256: Mapped[str] = mapped_column(sa.String(64))

    facture: Mapped[Facture] = relationship(back_populates="lignes")

    @property
    def libelle_motif(self) -> str:
        return MOTIFS[self.motif]

    @property
    def liste_jours(self) -> list[date]:
        return [date.fromisoformat(jour) for jour in self.jours.split(",")]


class Avoir(db.Model):
    """A credit note on an issued invoice: its own number, an amount up to what is left of the
    invoice, and the reason."""

    __tablename__ = "avoir"

    id: Mapped[int] = mapped_column(primary_key=True)
    facture_id: Mapped[int] = mapped_column(sa.ForeignKey("facture.id"), index=True)
    numero: Mapped[str] = mapped_column(sa.String(20), unique=True)
    montant: Mapped[Decimal] = mapped_column(Montant)
    motif: Mapped[str] = mapped_column(sa.String(500))
    emis_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    emis_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))

    facture: Mapped[Facture] = relationship(back_populates="avoirs")


class Encaissement(db.Model):
    """A payment the régie received at its counter for an issued invoice, recorded by an agent.
    Never deleted: a mistaken entry is cancelled, with who, when and why, and stops counting."""

    __tablename__ = "encaissement"
    __table_args__ = (
        sa.CheckConstraint("mode IN ('cheque', 'especes')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facture_id: Mapped[int] = mapped_column(sa.ForeignKey("facture.id"), index=True)
    montant: Mapped[Decimal] = mapped_column(Montant)
    mode: Mapped[str] = mapped_column(sa.String(10))
    # The cheque's number, or the régie's receipt number for cash.
    reference: Mapped[str] = mapped_column(sa.String(40), default="")
    # Drawn when the form is shown: the same form sent twice (a double click, a resubmission
    # after a lost connection) records one payment.
    jeton: Mapped[str] = mapped_column(sa.String(32), unique=True,
                                       default=lambda: secrets.token_hex(16))
    recu_le: Mapped[date] = mapped_column(sa.Date)
    saisi_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    saisi_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    annule_le: Mapped[datetime | None] = mapped_column(Horodatage)
    annule_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    motif_annulation: Mapped[str] = mapped_column(sa.String(500), default="")

    facture: Mapped[Facture] = relationship(back_populates="encaissements")

    @property
    def libelle_mode(self) -> str:
        return MODES_ENCAISSEMENT[self.mode]


class CompteurNumeros(db.Model):
    """The last number given, per kind (facture, avoir) and year: read locked and bumped in the
    transaction that issues, so numbers never repeat nor skip."""

    __tablename__ = "compteur_numeros"

    nature: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    annee: Mapped[int] = mapped_column(primary_key=True)
    dernier: Mapped[int] = mapped_column(default=0)
