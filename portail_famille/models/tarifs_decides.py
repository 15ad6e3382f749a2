"""Rates decided outside the grid: a social decision (the CCAS's) sets one child's price in one
service, for a while, and the price computation applies it instead of the grid's."""

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
from portail_famille.models.foyers import Enfant


class TarifDecide(db.Model):
    """One decision: the child, the service, the price, why and until when, and the agent.

    A later decision for the same child and service takes over without deleting this one: the
    history of what was decided stays, for the family and for the accounts.
    """

    __tablename__ = "tarif_decide"

    id: Mapped[int] = mapped_column(primary_key=True)
    enfant_id: Mapped[int] = mapped_column(sa.ForeignKey("enfant.id", ondelete="CASCADE"),
                                           index=True)
    service: Mapped[str] = mapped_column(sa.String(60))  # the grid's service code
    prix: Mapped[Decimal] = mapped_column(Montant)
    motif: Mapped[str] = mapped_column(sa.String(500))
    debut: Mapped[date] = mapped_column(sa.Date)
    fin: Mapped[date] = mapped_column(sa.Date)  # its last day
    decide_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compte.id", ondelete="SET NULL"))

    agent: Mapped[Compte | None] = sa.orm.relationship()
    enfant: Mapped[Enfant] = sa.orm.relationship()
