"""The household beyond its accounts: second adult, children, enrolments and their history,
and the account deletion requests the town hall processes.

Only what the school services need is collected (securite.md G4): no dietary, health or
religious information.
"""

from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant
from portail_famille.models.comptes import Compte

# The vocabulary of the columns below, with the words families read.
NIVEAUX = {
    "non_scolarise": "Pas encore scolarisé", "tps": "Toute petite section", "ps": "Petite section",
    "ms": "Moyenne section", "gs": "Grande section", "cp": "CP", "ce1": "CE1", "ce2": "CE2",
    "cm1": "CM1", "cm2": "CM2", "autre": "Autre (collège, lycée…)",
}
STATUTS_INSCRIPTION = {"demandee": "Demandée", "validee": "Validée", "refusee": "Refusée",
                       "annulee": "Annulée"}
# What still counts: asked or validated (a refused or cancelled enrolment prices nothing).
STATUTS_ACTIFS = ("demandee", "validee")
ACTIONS_INSCRIPTION = {"demande": "Demande d’inscription", "modification": "Modification",
                       "annulation": "Annulation", "reprise": "Nouvelle demande",
                       "validation": "Validée par la mairie", "refus": "Refusée par la mairie"}


def liste_des_jours(jours: str) -> list[str]:
    """The days of an enrolment's `jours` column ("lundi,mardi,jeudi")."""
    return jours.split(",") if jours else []


class SecondAdulte(db.Model):
    """The other adult of the household, declared by the signed-in one (optional, one at most)."""

    __tablename__ = "second_adulte"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(
        sa.ForeignKey("famille.id", ondelete="CASCADE"), unique=True)
    nom: Mapped[str] = mapped_column(sa.String(80))
    prenoms: Mapped[str] = mapped_column(sa.String(120))
    telephone: Mapped[str] = mapped_column(sa.String(20), default="")
    courriel: Mapped[str] = mapped_column(sa.String(254), default="")
    nom_recherche: Mapped[str] = mapped_column(sa.String(800), default="", server_default="")
    modifie_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant,
                                                 onupdate=maintenant)


class Enfant(db.Model):
    """A child of the household; `origine` says whether the family typed it or confirmed the
    CAF's proposal.

    A child removed after it was enrolled is archived (`archive_le`), never deleted: its
    enrolments and their history stay, for the town hall and the family's data export.
    """

    __tablename__ = "enfant"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id", ondelete="CASCADE"),
                                            index=True)
    nom: Mapped[str] = mapped_column(sa.String(80))
    prenoms: Mapped[str] = mapped_column(sa.String(120))
    date_naissance: Mapped[date] = mapped_column(sa.Date)
    ecole: Mapped[str] = mapped_column(sa.String(120), default="")
    niveau: Mapped[str] = mapped_column(sa.String(16))
    origine: Mapped[str] = mapped_column(sa.String(8), default="famille")  # famille, caf
    nom_recherche: Mapped[str] = mapped_column(sa.String(800), default="", server_default="")
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    archive_le: Mapped[datetime | None] = mapped_column(Horodatage)  # removed by the family
    # The family kept a class unusual for the child's age (a year skipped or repeated): an
    # agent checks it, and clears the flag once satisfied.
    niveau_a_verifier: Mapped[bool] = mapped_column(default=False)
    # Edited by the family and, later, by agents: a stale form gets a 409 (securite.md R1).
    version: Mapped[int] = mapped_column(default=1)

    inscriptions: Mapped[list["Inscription"]] = relationship(
        back_populates="enfant", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own protocol)

    @property
    def prenom(self) -> str:
        return self.prenoms.split(" ")[0]

    @property
    def libelle_niveau(self) -> str:
        return NIVEAUX.get(self.niveau, self.niveau)


class Inscription(db.Model):
    """A child's enrolment in one service for one period of the grid.

    One row per (child, service, period): cancelling and asking again change its status, and
    every change adds a `HistoriqueInscription` row. "validee" and "refusee" are set by agents
    only; `motif` is the reason of a refusal, which the family reads.
    """

    __tablename__ = "inscription"
    __table_args__ = (
        sa.UniqueConstraint("enfant_id", "service", "periode_debut",
                            name="uq_inscription_enfant_service_periode"),
        sa.CheckConstraint("statut IN ('demandee', 'validee', 'refusee', 'annulee')",
                           name="statut"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enfant_id: Mapped[int] = mapped_column(sa.ForeignKey("enfant.id", ondelete="CASCADE"),
                                           index=True)
    service: Mapped[str] = mapped_column(sa.String(60))  # the grid's service code
    # The period is named by its start and label: a later grid may drop or rename it.
    periode_debut: Mapped[date] = mapped_column(sa.Date)
    periode_libelle: Mapped[str] = mapped_column(sa.String(200))
    jours: Mapped[str] = mapped_column(sa.String(60))  # "lundi,mardi,jeudi"
    date_debut: Mapped[date] = mapped_column(sa.Date)
    statut: Mapped[str] = mapped_column(sa.String(10), default="demandee")
    motif: Mapped[str] = mapped_column(sa.String(500), default="")
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    modifie_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant,
                                                 onupdate=maintenant)
    version: Mapped[int] = mapped_column(default=1)

    enfant: Mapped[Enfant] = relationship(back_populates="inscriptions")
    historique: Mapped[list["HistoriqueInscription"]] = relationship(
        back_populates="inscription", cascade="all, delete-orphan",
        order_by="HistoriqueInscription.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own protocol)

    @property
    def liste_jours(self) -> list[str]:
        return liste_des_jours(self.jours)

    @property
    def active(self) -> bool:
        return self.statut in STATUTS_ACTIFS

    @property
    def libelle_statut(self) -> str:
        return STATUTS_INSCRIPTION[self.statut]


class HistoriqueInscription(db.Model):
    """One change of an enrolment: who, when, what, and the enrolment as it became."""

    __tablename__ = "historique_inscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    inscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inscription.id", ondelete="CASCADE"), index=True)
    quand: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    compte_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compte.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(sa.String(10))  # famille, agent, admin
    action: Mapped[str] = mapped_column(sa.String(16))  # demande, modification, annulation…
    statut: Mapped[str] = mapped_column(sa.String(10))
    jours: Mapped[str] = mapped_column(sa.String(60))
    date_debut: Mapped[date] = mapped_column(sa.Date)
    motif: Mapped[str] = mapped_column(sa.String(500), default="")

    inscription: Mapped[Inscription] = relationship(back_populates="historique")
    compte: Mapped[Compte | None] = relationship()

    @property
    def libelle_action(self) -> str:
        return ACTIONS_INSCRIPTION.get(self.action, self.action)

    @property
    def libelle_statut(self) -> str:
        return STATUTS_INSCRIPTION[self.statut]

    @property
    def liste_jours(self) -> list[str]:
        return liste_des_jours(self.jours)


class DemandeSuppression(db.Model):
    """A family's request to delete its account, kept for the town hall to process (G2)."""

    __tablename__ = "demande_suppression"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id", ondelete="CASCADE"),
                                            index=True)
    compte_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compte.id", ondelete="SET NULL"))
    demandee_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    precisions: Mapped[str] = mapped_column(sa.String(500), default="")
    # a_traiter; traitee (the household's data is deleted) or refusee (with its `motif`).
    statut: Mapped[str] = mapped_column(sa.String(10), default="a_traiter")
    traitee_par_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("compte.id", ondelete="SET NULL"))
    traitee_le: Mapped[datetime | None] = mapped_column(Horodatage)
    motif: Mapped[str] = mapped_column(sa.String(500), default="")


class ContestationResidence(db.Model):
    """A family that disagrees with the residence its address gives asks the town hall to
    check it: an item of the agents' worklist (one pending at a time per household)."""

    __tablename__ = "contestation_residence"

    id: Mapped[int] = mapped_column(primary_key=True)
    famille_id: Mapped[int] = mapped_column(sa.ForeignKey("famille.id", ondelete="CASCADE"),
                                            index=True)
    compte_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compte.id", ondelete="SET NULL"))
    demandee_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    statut: Mapped[str] = mapped_column(sa.String(10), default="a_traiter")  # a_traiter, traitee
