"""Emails to families, kept in an outbox until a job has sent them (after the commit that
decided them, never before), so that nothing is sent for a change that was rolled back."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant


class Courriel(db.Model):
    """One email to one address: its text and HTML as they leave, and whether they left."""

    __tablename__ = "courriel"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("famille.id", ondelete="CASCADE"), index=True)
    nature: Mapped[str] = mapped_column(sa.String(40))  # qf_expire, inscription_validee…
    # The same news is sent once: a second decision of the same thing finds this key taken.
    cle: Mapped[str] = mapped_column(sa.String(200), unique=True)
    destinataire: Mapped[str] = mapped_column(sa.String(320))
    sujet: Mapped[str] = mapped_column(sa.String(200))
    texte: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    envoye_le: Mapped[datetime | None] = mapped_column(Horodatage, index=True)
    tentatives: Mapped[int] = mapped_column(default=0)
    erreur: Mapped[str] = mapped_column(sa.String(200), default="")  # an SMTP code, no text
