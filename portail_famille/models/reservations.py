"""Bookings (one row per enrolment and school day) and attendance (one list per school, service
and day, one mark per child): what the monthly invoices will bill from."""

from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant
from portail_famille.models.foyers import Enfant
from portail_famille.models.foyers import Inscription

# Who decided a booking's state: the enrolment's weekdays, or the family's own choice (which
# a later change of the enrolment never overrides).
ORIGINES = ("inscription", "famille")
ETATS_POINTAGE = {
    "present": "Présent",
    "absent_justifie": "Absent justifié",
    "absent_injustifie": "Absent non justifié",
    "present_sans_reservation": "Présent sans réservation",
}


class Reservation(db.Model):
    """A child booked (or no longer booked) in its enrolment's service on one school day."""

    __tablename__ = "reservation"
    __table_args__ = (
        sa.UniqueConstraint("inscription_id", "jour", name="uq_reservation_inscription_jour"),
        sa.CheckConstraint("statut IN ('reservee', 'annulee')", name="statut"),
        sa.CheckConstraint("origine IN ('inscription', 'famille')", name="origine"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inscription.id", ondelete="CASCADE"))
    jour: Mapped[date] = mapped_column(sa.Date, index=True)
    statut: Mapped[str] = mapped_column(sa.String(10), default="reservee")
    origine: Mapped[str] = mapped_column(sa.String(12), default="inscription")
    modifie_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    modifie_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant,
                                                 onupdate=maintenant)

    inscription: Mapped[Inscription] = relationship()

    @property
    def reservee(self) -> bool:
        return self.statut == "reservee"


class ListePointage(db.Model):
    """The attendance list of one school, service and day; `verrouille` once invoiced: its
    marks no longer change."""

    __tablename__ = "liste_pointage"
    __table_args__ = (
        sa.UniqueConstraint("ecole", "service", "jour",
                            name="uq_liste_pointage_ecole_service_jour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ecole: Mapped[str] = mapped_column(sa.String(120))
    service: Mapped[str] = mapped_column(sa.String(60))
    jour: Mapped[date] = mapped_column(sa.Date, index=True)
    verrouille: Mapped[bool] = mapped_column(default=False)
    verrouille_le: Mapped[datetime | None] = mapped_column(Horodatage)

    pointages: Mapped[list["Pointage"]] = relationship(back_populates="liste",
                                                       cascade="all, delete-orphan")


class Pointage(db.Model):
    """One child's mark on an attendance list; set again with the same state, nothing changes."""

    __tablename__ = "pointage"
    __table_args__ = (
        sa.UniqueConstraint("liste_id", "enfant_id", name="uq_pointage_liste_enfant"),
        sa.CheckConstraint("etat IN ('present', 'absent_justifie', 'absent_injustifie', "
                           "'present_sans_reservation')", name="etat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    liste_id: Mapped[int] = mapped_column(sa.ForeignKey("liste_pointage.id", ondelete="CASCADE"))
    enfant_id: Mapped[int] = mapped_column(sa.ForeignKey("enfant.id", ondelete="CASCADE"),
                                           index=True)
    etat: Mapped[str] = mapped_column(sa.String(24))
    saisi_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    saisi_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)

    liste: Mapped[ListePointage] = relationship(back_populates="pointages")
    enfant: Mapped[Enfant] = relationship()

    @property
    def libelle_etat(self) -> str:
        return ETATS_POINTAGE[self.etat]
