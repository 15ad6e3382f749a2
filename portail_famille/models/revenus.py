"""Income proofs: the QF records with their provenance, and the documents agents review.

A record keeps what a rate needs and where it comes from (securite.md E8), never the raw
answer of an API, its members or its address.
"""

from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import Montant
from portail_famille.models.base import maintenant
from portail_famille.models.comptes import Compte

SOURCES = ("caf", "dgfip", "justificatif", "mairie")
MODES = ("france_connect", "identite", "numero_fiscal", "justificatif", "saisie_mairie")
# The words of the agents' file for each provenance.
LIBELLES_SOURCES = {"caf": "CAF ou MSA", "dgfip": "Impôts (DGFiP)",
                    "justificatif": "Justificatif vérifié par la mairie",
                    "mairie": "Saisi par la mairie"}
LIBELLES_MODES = {"france_connect": "FranceConnect", "identite": "Identité saisie",
                  "numero_fiscal": "Numéro fiscal", "justificatif": "Justificatif déposé",
                  "saisie_mairie": "Document vu au guichet"}

# What became of an uploaded document, in the agents' words.
STATUTS_JUSTIFICATIF = {"a_verifier": "À vérifier", "accepte": "Accepté", "refuse": "Refusé"}


class QuotientFamilial(db.Model):
    """One retrieved QF and its provenance; each retrieval adds a row, the history stays."""

    __tablename__ = "quotient_familial"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id", ondelete="CASCADE"),
                                            index=True)
    source: Mapped[str] = mapped_column(sa.String(16))  # caf, dgfip, justificatif, mairie
    mode: Mapped[str] = mapped_column(sa.String(16))  # france_connect, identite, saisie_mairie…
    fournisseur: Mapped[str] = mapped_column(sa.String(8))  # CNAF, MSA, DGFiP, mairie
    valeur: Mapped[Decimal] = mapped_column(Montant)  # the QF, to the cent
    rfr: Mapped[int | None] = mapped_column(sa.Integer)  # DGFiP only
    parts: Mapped[Decimal | None] = mapped_column(Montant)  # DGFiP only
    annee: Mapped[int | None] = mapped_column(sa.Integer)  # CAF: the month the QF applies to
    mois: Mapped[int | None] = mapped_column(sa.Integer)
    annee_calcul: Mapped[int | None] = mapped_column(sa.Integer)
    mois_calcul: Mapped[int | None] = mapped_column(sa.Integer)
    annrev: Mapped[int | None] = mapped_column(sa.Integer)  # DGFiP: the income year
    recupere_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    reference: Mapped[str] = mapped_column(sa.String(64), default="")  # request/correlation id
    depuis_cache: Mapped[bool] = mapped_column(default=False)
    justificatif_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("justificatif.id", ondelete="SET NULL"))
    valide_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    # A QF set by an agent at the counter: why, and its first day without validity (instead of
    # the grid's validity counted from `recupere_le`).
    motif: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    expire_le: Mapped[date | None] = mapped_column(sa.Date)

    valide_par: Mapped[Compte | None] = sa.orm.relationship()

    @property
    def libelle_source(self) -> str:
        return LIBELLES_SOURCES.get(self.source, self.source)

    @property
    def libelle_mode(self) -> str:
        return LIBELLES_MODES.get(self.mode, self.mode)


class Justificatif(db.Model):
    """A supporting document uploaded by a family, kept for an agent to review.

    Stored in the database: the platforms the portal runs on lose their disk at each restart.
    """

    __tablename__ = "justificatif"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id", ondelete="CASCADE"),
                                            index=True)
    nature: Mapped[str] = mapped_column(sa.String(16))  # attestation_caf, avis_impot
    type_mime: Mapped[str] = mapped_column(sa.String(40))  # detected from the content
    taille: Mapped[int] = mapped_column(sa.Integer)
    contenu: Mapped[bytes] = mapped_column(sa.LargeBinary)
    depose_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    statut: Mapped[str] = mapped_column(sa.String(12), default="a_verifier")
    traite_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    traite_le: Mapped[datetime | None] = mapped_column(Horodatage)
    motif: Mapped[str] = mapped_column(sa.String(500), default="")

    traite_par: Mapped[Compte | None] = sa.orm.relationship()

    @property
    def libelle_statut(self) -> str:
        return STATUTS_JUSTIFICATIF.get(self.statut, self.statut)
