"""Online payments through PayFiP (payfip.md): one row per operation (idOp) started.

The row is written with its idOp before the payer's browser leaves for PayFiP, so that every
notification, return and poll finds it; its state changes once, from en_attente to how the
payment ended, as PayFiP's detail call says.
"""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant
from portail_famille.models.factures import Facture

ETATS_PAIEMENT = {"en_attente": "En cours de confirmation", "payee": "Payé",
                  "refusee": "Refusé", "annulee": "Annulé"}


class OperationPaiement(db.Model):
    """One PayFiP operation for one invoice, and how it ended."""

    __tablename__ = "operation_paiement"
    __table_args__ = (
        sa.CheckConstraint("etat IN ('en_attente', 'payee', 'refusee', 'annulee')",
                           name="etat"),
        sa.CheckConstraint("montant_centimes BETWEEN 100 AND 10000000", name="montant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque, in the return address given to PayFiP: the row the browser comes back to.
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    id_op: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The invoice and its household, never deleted under a payment: like the invoice, the
    # payment is an accounting record, kept when the household is erased (services/effacement).
    facture_id: Mapped[int] = mapped_column(sa.ForeignKey("facture.id"), index=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id"), index=True)
    # What PayFiP was asked for, and what its detail call must give back (reconciliation).
    refdet: Mapped[str] = mapped_column(sa.String(30))
    exer: Mapped[int] = mapped_column()
    montant_centimes: Mapped[int] = mapped_column()
    etat: Mapped[str] = mapped_column(sa.String(12), default="en_attente", index=True)
    # PayFiP's result code (P, V, R, Z, A) and the authorisation number of a paid one.
    resultrans: Mapped[str | None] = mapped_column(sa.String(1))
    numauto: Mapped[str | None] = mapped_column(sa.String(16))
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    # The last detail call, and the moment the state left en_attente.
    verifie_le: Mapped[datetime | None] = mapped_column(Horodatage)
    termine_le: Mapped[datetime | None] = mapped_column(Horodatage)

    facture: Mapped[Facture] = relationship()

    @property
    def montant(self) -> Decimal:
        """In euros, to the cent (5.00, not 5: the finance export prints it as it is)."""
        return Decimal(self.montant_centimes).scaleb(-2)

    @property
    def paye_le(self) -> datetime:
        """When the payment counts as received: PayFiP's confirmation, else its start."""
        return self.termine_le or self.cree_le

    @property
    def libelle_etat(self) -> str:
        return ETATS_PAIEMENT[self.etat]
