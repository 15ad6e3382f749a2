"""Bookings: each school day an active enrolment's weekdays name is booked, and the family adds or
cancels single days until the service's cut-off.

Rows are generated lazily, for the days someone looks at: the family's month, the agents' day
list, and (later) the invoicing of a month, which syncs that month first. Generation inserts
the missing rows and ignores the ones already there, so it is idempotent and two requests
generating the same days at once never conflict. A booking the enrolment decided
(`origine` « inscription ») follows a change of its weekdays or its cancellation while the day
is still modifiable; one the family decided is never overridden, and no day past its cut-off
changes any more: what was booked then is what gets billed.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import contains_eager

from portail_famille.domaine import francais
from portail_famille.domaine.calendrier_scolaire import JOURS_DE_LA_SEMAINE
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import Periode
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Inscription
from portail_famille.models import Reservation
from portail_famille.services import inscriptions as services_inscriptions


class ReservationRefusee(ValueError):
    """A change of a booking the rules refuse, with the French message the family reads."""


@dataclass(frozen=True)
class Case:
    """One day of a booking calendar, as the page shows it."""

    jour: date
    dans_le_mois: bool
    reservable: bool  # a day the service runs for this enrolment
    reservee: bool
    modifiable: bool
    mention: str  # « modifiable jusqu’au lundi 12:00 », « Vacances de Noël »…


@dataclass(frozen=True)
class CalendrierDeReservation:
    """One enrolment's month: its weeks of five days, Monday to Friday."""

    inscription: Inscription
    libelle_service: str
    semaines: list[list[Case]]


def periode_de(grille: Grille, inscription: Inscription) -> Periode | None:
    """The grid period of an enrolment, None once a later grid dropped it or its service."""
    periode = next((p for p in grille.periodes if p.debut == inscription.periode_debut), None)
    return periode if periode is not None and inscription.service in periode.services else None


def _reservable(calendrier: Calendrier, periode: Periode, inscription: Inscription,
                jour: date) -> bool:
    """Whether the enrolment's service runs on `jour`: a school day of its period, on one of
    the service's weekdays, from the enrolment's first day."""
    service = periode.services[inscription.service]
    return (periode.debut <= jour <= periode.fin and jour >= inscription.date_debut
            and JOURS_DE_LA_SEMAINE[jour.weekday()] in service.jours
            and calendrier.jour_de_classe(jour))


def _prevue(inscription: Inscription, jour: date) -> bool:
    """Whether the enrolment itself books `jour` (active, and one of its weekdays)."""
    return inscription.active and JOURS_DE_LA_SEMAINE[jour.weekday()] in inscription.liste_jours


def inserer_sans_conflit(modele, lignes: list[dict] | dict, index: list[str]) -> None:
    """Insert rows, leaving alone those whose unique `index` a concurrent request (or an
    earlier one) already wrote: the generation and the marks stay idempotent."""
    if not lignes:
        return
    dialecte = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialecte.insert(modele).values(lignes)
                       .on_conflict_do_nothing(index_elements=index))


def synchroniser(inscrites: list[Inscription], jours: list[date], calendrier: Calendrier,
                 grille: Grille, maintenant: datetime) -> None:
    """Bring the bookings of `inscrites` on `jours` in line with their enrolment (idempotent).

    Missing rows are inserted; rows the enrolment decided follow it while still modifiable.
    """
    if not inscrites or not jours:
        return
    existantes = {(r.inscription_id, r.jour): r for r in db.session.scalars(
        sa.select(Reservation).where(Reservation.inscription_id.in_([i.id for i in inscrites]),
                                     Reservation.jour.between(min(jours), max(jours))))}
    nouvelles = []
    for inscription in inscrites:
        periode = periode_de(grille, inscription)
        if periode is None:
            continue
        for jour in jours:
            if not _reservable(calendrier, periode, inscription, jour):
                continue
            prevue = _prevue(inscription, jour)
            existante = existantes.get((inscription.id, jour))
            if existante is None:
                if prevue:
                    nouvelles.append({"inscription_id": inscription.id, "jour": jour,
                                      "statut": "reservee", "origine": "inscription",
                                      "modifie_le": maintenant})
            elif (existante.origine == "inscription" and existante.reservee != prevue
                  and calendrier.modifiable(inscription.service, jour, maintenant)):
                existante.statut = "reservee" if prevue else "annulee"
    inserer_sans_conflit(Reservation, nouvelles, ["inscription_id", "jour"])
    db.session.flush()


def jours_du_mois(annee: int, mois: int) -> list[date]:
    premier = date(annee, mois, 1)
    return [premier + timedelta(days=n) for n in range(31)
            if (premier + timedelta(days=n)).month == mois]


def inscriptions_du_mois(famille_id: int, annee: int, mois: int) -> list[Inscription]:
    """The household's enrolments started by the end of the month, eldest child first
    (cancelled ones too: their generated bookings still modifiable are cancelled)."""
    fin = jours_du_mois(annee, mois)[-1]
    return [i for i in services_inscriptions.lister_inscriptions(famille_id)
            if i.periode_debut <= fin and i.date_debut <= fin]


def mois_de_la_famille(famille_id: int, annee: int, mois: int, calendrier: Calendrier,
                       grille: Grille, maintenant: datetime) -> list[CalendrierDeReservation]:
    """The month's booking calendars of the household, one per enrolment that has a day to
    book or a booking in it (generating the month's bookings first)."""
    jours = jours_du_mois(annee, mois)
    inscrites = [i for i in inscriptions_du_mois(famille_id, annee, mois)
                 if periode_de(grille, i) is not None]
    synchroniser(inscrites, jours, calendrier, grille, maintenant)
    reservees = {(r.inscription_id, r.jour): r for r in db.session.scalars(
        sa.select(Reservation).where(Reservation.inscription_id.in_([i.id for i in inscrites]),
                                     Reservation.jour.between(jours[0], jours[-1])))}
    calendriers = []
    for inscription in inscrites:
        periode = periode_de(grille, inscription)
        cases = [_case(calendrier, periode, inscription, jour, mois,
                       reservees.get((inscription.id, jour)), maintenant)
                 for jour in _jours_des_semaines(jours)]
        if not any(case.reservable and case.dans_le_mois for case in cases):
            continue
        calendriers.append(CalendrierDeReservation(
            inscription, periode.services[inscription.service].libelle,
            [cases[n:n + 5] for n in range(0, len(cases), 5)]))
    return calendriers


def _jours_des_semaines(jours: list[date]) -> list[date]:
    """Monday to Friday of every week that has a weekday of the month in it."""
    premier = next(jour for jour in jours if jour.weekday() < 5)
    lundi = premier - timedelta(days=premier.weekday())
    semaines = []
    while lundi <= jours[-1]:
        semaines += [lundi + timedelta(days=n) for n in range(5)]
        lundi += timedelta(days=7)
    return semaines


def _case(calendrier: Calendrier, periode: Periode, inscription: Inscription, jour: date,
          mois: int, reservation: Reservation | None, maintenant: datetime) -> Case:
    reservable = inscription.active and _reservable(calendrier, periode, inscription, jour)
    if not reservable:
        mention = calendrier.sans_classe(jour) or "pas de service ce jour"
        return Case(jour, jour.month == mois, False, False, False, mention)
    modifiable = calendrier.modifiable(inscription.service, jour, maintenant)
    return Case(jour, jour.month == mois, True, reservation is not None and reservation.reservee,
                modifiable, calendrier.echeance(inscription.service, jour, maintenant))


def changer(famille_id: int, inscription_id: int, jour: date, reserver: bool, auteur: Compte,
            calendrier: Calendrier, grille: Grille, maintenant: datetime) -> Reservation:
    """Book or cancel one day for one child, as the family decides; raise foyers.Introuvable
    (not the household's enrolment) or ReservationRefusee (not bookable, or past the cut-off).
    Asking for the state the day is already in changes nothing."""
    inscription = services_inscriptions.trouver_inscription(famille_id, inscription_id)
    periode = periode_de(grille, inscription)
    nom = f"Le {francais.jour_et_date(jour)}"
    if periode is None or not inscription.active or not _reservable(calendrier, periode,
                                                                     inscription, jour):
        raise ReservationRefusee(f"{nom} ne se réserve pas pour ce service.")
    if not calendrier.modifiable(inscription.service, jour, maintenant):
        limite = calendrier.limite(inscription.service, jour)
        raise ReservationRefusee(
            f"{nom} n’est plus modifiable : la limite était le "
            f"{francais.jour_et_date(limite.date())} à {limite:%H:%M}.")
    synchroniser([inscription], [jour], calendrier, grille, maintenant)
    reservation = db.session.scalars(sa.select(Reservation).where(
        Reservation.inscription_id == inscription.id, Reservation.jour == jour)).first()
    statut = "reservee" if reserver else "annulee"
    if reservation is None:
        reservation = Reservation(inscription_id=inscription.id, jour=jour, statut=statut,
                                  origine="famille", modifie_par_id=auteur.id)
        db.session.add(reservation)
    elif reservation.statut != statut:
        reservation.statut, reservation.origine = statut, "famille"
        reservation.modifie_par_id = auteur.id
    db.session.flush()
    return reservation


def reservations_du_jour(ecole: str, service: str, jour: date, calendrier: Calendrier,
                         grille: Grille, maintenant: datetime) -> list[Inscription]:
    """The enrolments in `service` of the school's children that meet `jour`, their bookings
    generated; each comes with its child."""
    inscrites = list(db.session.scalars(
        sa.select(Inscription).join(Enfant).options(contains_eager(Inscription.enfant))
        .where(Inscription.service == service, Inscription.periode_debut <= jour,
               Inscription.date_debut <= jour, Enfant.ecole == ecole,
               Enfant.archive_le.is_(None))
        .order_by(Enfant.nom, Enfant.prenoms, Enfant.id)))
    inscrites = [i for i in inscrites if (p := periode_de(grille, i)) is not None
                 and p.debut <= jour <= p.fin]
    synchroniser(inscrites, [jour], calendrier, grille, maintenant)
    return inscrites
