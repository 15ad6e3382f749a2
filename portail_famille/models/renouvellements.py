"""The yearly renewal of QFs (issue 12): one row per household of a campaign, so that a
campaign resumed after its worker died renews each household once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage

ISSUES_RENOUVELLEMENT = {"renouvele": "Renouvelé", "introuvable": "Non trouvé",
                         "echec": "Échec"}


class Renouvellement(db.Model):
    """A household in a renewal campaign (a `Tache`): to do, under way, or its outcome."""

    __tablename__ = "renouvellement"
    __table_args__ = (
        sa.UniqueConstraint("tache_id", "famille_id"),
        sa.CheckConstraint(
            "etat IN ('a_faire', 'en_cours', 'renouvele', 'introuvable', 'echec')", name="etat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tache_id: Mapped[int] = mapped_column(sa.ForeignKey("tache.id", ondelete="CASCADE"))
    famille_id: Mapped[int] = mapped_column(
        sa.ForeignKey("famille.id", ondelete="CASCADE"), index=True)
    etat: Mapped[str] = mapped_column(sa.String(12), default="a_faire", index=True)
    raison: Mapped[str] = mapped_column(sa.String(40), default="")  # a failure class, no data
    tentatives: Mapped[int] = mapped_column(default=0)
    # When a worker took it: one that went silent is taken again after a while.
    pris_le: Mapped[datetime | None] = mapped_column(Horodatage)
    traite_le: Mapped[datetime | None] = mapped_column(Horodatage)

    @property
    def libelle_issue(self) -> str:
        return ISSUES_RENOUVELLEMENT.get(self.etat, "En attente")
