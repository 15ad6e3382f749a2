"""Attendance: per school, service and day, the booked children and the agents' marks.

Each mark is written on its own and is idempotent (the same mark again changes nothing), so a
tablet that lost its connection can send its queued marks again without harm. A list once
locked (`verrouille`, set by the invoicing) refuses every change.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from portail_famille.domaine import francais
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import PeriodeIntrouvable
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import ListePointage
from portail_famille.models import Pointage
from portail_famille.models import Reservation
from portail_famille.models.reservations import ETATS_POINTAGE
from portail_famille.services import audit
from portail_famille.services import donnees
from portail_famille.services import factures
from portail_famille.services import reservations

ETATS_RESERVES = ("present", "absent_justifie", "absent_injustifie")
SANS_RESERVATION = "present_sans_reservation"


class PointageRefuse(ValueError):
    """A mark the rules refuse, with the French message the agent reads."""


@dataclass(frozen=True)
class Ligne:
    """A child of the day's list: booked or not, and its mark so far."""

    enfant: Enfant
    reservee: bool
    etat: str | None

    @property
    def libelle_etat(self) -> str:
        return ETATS_POINTAGE[self.etat] if self.etat else "Non pointé"


@dataclass(frozen=True)
class ListeDuJour:
    liste: ListePointage | None  # None until the first mark
    reserves: list[Ligne]  # booked, or marked present without a booking
    autres: list[Ligne]  # enrolled in the service but not booked that day

    @property
    def verrouillee(self) -> bool:
        return self.liste is not None and self.liste.verrouille


def ecoles() -> list[str]:
    """The schools the children of the portal attend, as the families wrote them."""
    return list(db.session.scalars(
        sa.select(Enfant.ecole).where(Enfant.ecole != "", Enfant.archive_le.is_(None))
        .distinct().order_by(Enfant.ecole)))


def services_du_jour(grille: Grille, jour: date) -> dict[str, str]:
    """The services of the period in force on `jour`, by code (none outside every period)."""
    try:
        periode = grille.periode_a(jour)
    except PeriodeIntrouvable:
        return {}
    return {code: service.libelle for code, service in periode.services.items()}


def _liste(ecole: str, service: str, jour: date) -> ListePointage | None:
    return db.session.scalars(sa.select(ListePointage).where(
        ListePointage.ecole == ecole, ListePointage.service == service,
        ListePointage.jour == jour)).first()


def liste_du_jour(ecole: str, service: str, jour: date, calendrier: Calendrier, grille: Grille,
                  maintenant: datetime, agent: Compte) -> ListeDuJour:
    """The day's list, its bookings generated; each household listed records, once per agent
    and list, that an agent consulted it (securite.md A5)."""
    inscrites = reservations.reservations_du_jour(ecole, service, jour, calendrier, grille,
                                                  maintenant)
    reservees = _reservees(inscrites, jour)
    liste = _liste(ecole, service, jour)
    etats = {} if liste is None else {p.enfant_id: p.etat for p in liste.pointages}
    enfants = list({i.enfant_id: i.enfant for i in inscrites}.values())
    reserves, autres = [], []
    for enfant in enfants:
        ligne = Ligne(enfant, enfant.id in reservees, etats.get(enfant.id))
        (reserves if ligne.reservee or ligne.etat else autres).append(ligne)
    _consigner_consultations({e.famille_id for e in enfants}, agent,
                             f"liste de pointage {service} du {jour.isoformat()}")
    return ListeDuJour(liste, reserves, autres)


def _reservees(inscrites, jour: date) -> set[int]:
    """The children booked on `jour` among the enrolments `inscrites`."""
    par_inscription = {i.id: i.enfant_id for i in inscrites}
    if not par_inscription:
        return set()
    return {par_inscription[identifiant] for identifiant in db.session.scalars(
        sa.select(Reservation.inscription_id).where(
            Reservation.inscription_id.in_(par_inscription), Reservation.jour == jour,
            Reservation.statut == "reservee"))}


def _consigner_consultations(familles: set[int], agent: Compte, detail: str) -> None:
    deja = set(db.session.scalars(sa.select(Evenement.famille_id).where(
        Evenement.type == donnees.TYPE_CONSULTATION, Evenement.compte_id == agent.id,
        Evenement.detail == detail, Evenement.famille_id.in_(familles)))) if familles else set()
    for famille_id in sorted(familles - deja):
        audit.consigner(donnees.TYPE_CONSULTATION, compte_id=agent.id, famille_id=famille_id,
                        detail=detail)
    db.session.flush()


def marquer(ecole: str, service: str, jour: date, enfant_id: int, etat: str, agent: Compte,
            calendrier: Calendrier, grille: Grille, maintenant: datetime) -> Pointage:
    """Set one child's mark on the day's list; the same mark again changes nothing. Raise
    PointageRefuse (no class that day, a child not enrolled, a state that contradicts the
    booking, or a locked list)."""
    if etat not in ETATS_POINTAGE:
        raise PointageRefuse("Choisissez présent, absent justifié, absent non justifié ou "
                             "présent sans réservation.")
    if not calendrier.jour_de_classe(jour):
        raise PointageRefuse(f"Le {francais.jour_et_date(jour)} n’est pas un jour de classe.")
    inscrites = [i for i in reservations.reservations_du_jour(
        ecole, service, jour, calendrier, grille, maintenant) if i.enfant_id == enfant_id]
    if not inscrites:
        raise PointageRefuse("Cet enfant n’est pas inscrit à ce service dans cette école.")
    prenom = inscrites[0].enfant.prenom
    reservee = enfant_id in _reservees(inscrites, jour)
    if reservee and etat == SANS_RESERVATION:
        raise PointageRefuse(f"{prenom} est réservé ce jour : marquez-le présent.")
    if not reservee and etat != SANS_RESERVATION:
        raise PointageRefuse(f"{prenom} n’est pas réservé ce jour : marquez-le « présent sans "
                             "réservation » s’il est là.")
    reservations.inserer_sans_conflit(
        ListePointage, {"ecole": ecole, "service": service, "jour": jour, "verrouille": False},
        ["ecole", "service", "jour"])
    liste = _liste(ecole, service, jour)
    # A list first opened after its month was invoiced is locked as well.
    if liste.verrouille or factures.mois_facture(jour):
        raise PointageRefuse(f"La liste du {francais.jour_et_date(jour)} est verrouillée : elle "
                             "a été facturée, les présences ne changent plus.")
    reservations.inserer_sans_conflit(
        Pointage, {"liste_id": liste.id, "enfant_id": enfant_id, "etat": etat,
                   "saisi_par_id": agent.id, "saisi_le": maintenant}, ["liste_id", "enfant_id"])
    pointage = db.session.scalars(sa.select(Pointage).where(
        Pointage.liste_id == liste.id, Pointage.enfant_id == enfant_id)).one()
    if pointage.etat != etat:
        pointage.etat, pointage.saisi_par_id, pointage.saisi_le = etat, agent.id, maintenant
    db.session.flush()
    return pointage
