"""Background jobs as the portal follows them: what was asked, how far it got, what it found.

The queue (Redis, RQ) only carries a job's id; this row is the truth, so that a job run twice,
or resumed after its worker died, knows what is already done.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant

ETATS_TACHE = {"en_attente": "En attente", "en_cours": "En cours", "terminee": "Terminée",
               "echouee": "Échouée"}


class Tache(db.Model):
    """One job: its kind, its parameters (ids, never an identity), its progress and report."""

    __tablename__ = "tache"
    __table_args__ = (
        sa.CheckConstraint("etat IN ('en_attente', 'en_cours', 'terminee', 'echouee')",
                           name="etat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nature: Mapped[str] = mapped_column(sa.String(40), index=True)
    # Asking twice for the same thing (a double click, a schedule firing again) finds this row.
    cle: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    parametres: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON
    etat: Mapped[str] = mapped_column(sa.String(12), default="en_attente", index=True)
    avance: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    rapport: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON: counts and reasons
    erreur: Mapped[str] = mapped_column(sa.String(200), default="")  # a code, never data
    tentatives: Mapped[int] = mapped_column(default=0)
    lancee_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    commencee_le: Mapped[datetime | None] = mapped_column(Horodatage)
    terminee_le: Mapped[datetime | None] = mapped_column(Horodatage)
    # Written as the job advances: a job en_cours that stopped writing lost its worker.
    vue_le: Mapped[datetime | None] = mapped_column(Horodatage)

    @property
    def libelle_etat(self) -> str:
        return ETATS_TACHE[self.etat]
