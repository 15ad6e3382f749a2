"""Bookings: each school day an active enrolment's weekdays name is booked, and the family adds or
cancels single days until the service's cut-off.

A booking is a row per enrolment and day, written (« fixed ») before the day's cut-off by the
daily job (travaux/fixation_des_reservations.py, a month ahead), and whenever a family changes
a day or an agent opens the day's list; until then, pages show what the row will say, without
writing on a GET. Fixing inserts the missing rows and leaves the others alone, so it is
idempotent and two requests fixing the same days never conflict. A booking the enrolment
decided (`origine` « inscription ») follows a change of its weekdays or its cancellation while
the day is still modifiable; one the family decided is never overridden, and no day past its
cut-off changes any more: what was booked then is what gets billed.
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


def reservable(calendrier: Calendrier, periode: Periode, service: str, date_debut: date,
               jour: date) -> bool:
    """Whether an enrolment in `service` of `periode` from `date_debut` meets `jour`: a school
    day of its period, on one of the service's weekdays, from the enrolment's first day."""
    return (periode.debut <= jour <= periode.fin and jour >= date_debut
            and JOURS_DE_LA_SEMAINE[jour.weekday()] in periode.services[service].jours
            and calendrier.jour_de_classe(jour))


def reservee_par_ses_jours(calendrier: Calendrier, periode: Periode, service: str,
                           date_debut: date, jours: list[str], jour: date) -> bool:
    """Whether an active enrolment on the weekdays `jours` books `jour` by itself, before any
    choice of the family. From plain values: the sandbox's bulk seeding books by it too."""
    return (reservable(calendrier, periode, service, date_debut, jour)
            and JOURS_DE_LA_SEMAINE[jour.weekday()] in jours)


def _reservable(calendrier: Calendrier, periode: Periode, inscription: Inscription,
                jour: date) -> bool:
    return reservable(calendrier, periode, inscription.service, inscription.date_debut, jour)


def inserer_sans_conflit(modele, lignes: list[dict] | dict, index: list[str]) -> None:
    """Insert rows, leaving alone those whose unique `index` a concurrent request (or an
    earlier one) already wrote: the generation and the marks stay idempotent."""
    if not lignes:
        return
    dialecte = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialecte.insert(modele).values(lignes)
                       .on_conflict_do_nothing(index_elements=index))


def _voulue(calendrier: Calendrier, periode: Periode, inscription: Inscription, jour: date,
            existante: Reservation | None, modifiable: bool) -> bool:
    """Whether the day is booked: what was fixed once past the cut-off; before it, nothing
    once the enrolment is cancelled, else the family's choice, else the enrolment's weekdays."""
    if existante is not None and not modifiable:
        return existante.reservee
    if not inscription.active:
        return False
    if existante is not None and existante.origine == "famille":
        return existante.reservee
    return reservee_par_ses_jours(calendrier, periode, inscription.service,
                                  inscription.date_debut, inscription.liste_jours, jour)


def _existantes(inscrites: list[Inscription], debut: date,
                fin: date) -> dict[tuple[int, date], Reservation]:
    if not inscrites:
        return {}
    return {(r.inscription_id, r.jour): r for r in db.session.scalars(
        sa.select(Reservation).where(Reservation.inscription_id.in_([i.id for i in inscrites]),
                                     Reservation.jour.between(debut, fin)))}


def synchroniser(inscrites: list[Inscription], jours: list[date], calendrier: Calendrier,
                 grille: Grille, maintenant: datetime) -> None:
    """Fix the bookings of `inscrites` on `jours` as their enrolment says (idempotent).

    Missing rows are inserted; rows the enrolment decided follow it while still modifiable.
    """
    if not inscrites or not jours:
        return
    existantes = _existantes(inscrites, min(jours), max(jours))
    nouvelles = []
    for inscription in inscrites:
        periode = periode_de(grille, inscription)
        if periode is None:
            continue
        for jour in jours:
            if not _reservable(calendrier, periode, inscription, jour):
                continue
            existante = existantes.get((inscription.id, jour))
            voulue = _voulue(calendrier, periode, inscription, jour, existante,
                             calendrier.modifiable(inscription.service, jour, maintenant))
            if existante is None:
                if voulue:
                    nouvelles.append({"inscription_id": inscription.id, "jour": jour,
                                      "statut": "reservee", "origine": "inscription",
                                      "modifie_le": maintenant})
            elif existante.reservee != voulue:
                existante.statut = "reservee" if voulue else "annulee"
                existante.origine = "inscription"
    inserer_sans_conflit(Reservation, nouvelles, ["inscription_id", "jour"])
    db.session.flush()


def fixer(debut: date, fin: date, calendrier: Calendrier, grille: Grille, maintenant: datetime,
          progresser=None, lot: int = 500) -> int:
    """Fix the bookings of every enrolment from `debut` to `fin`, in batches; the number of
    enrolments seen. `progresser(fait, total)` is told after each batch."""
    identifiants = list(db.session.scalars(
        sa.select(Inscription.id).where(Inscription.periode_debut <= fin,
                                        Inscription.date_debut <= fin)
        .order_by(Inscription.id)))
    jours = [debut + timedelta(days=n) for n in range((fin - debut).days + 1)]
    for depart in range(0, len(identifiants), lot):
        inscrites = list(db.session.scalars(sa.select(Inscription).where(
            Inscription.id.in_(identifiants[depart:depart + lot]))))
        synchroniser(inscrites, jours, calendrier, grille, maintenant)
        if progresser is not None:
            progresser(min(depart + lot, len(identifiants)), len(identifiants))
    return len(identifiants)


def jours_du_mois(annee: int, mois: int) -> list[date]:
    premier = date(annee, mois, 1)
    return [premier + timedelta(days=n) for n in range(31)
            if (premier + timedelta(days=n)).month == mois]


def inscriptions_du_mois(famille_id: int, annee: int, mois: int) -> list[Inscription]:
    """The household's enrolments started by the end of the month, eldest child first."""
    fin = jours_du_mois(annee, mois)[-1]
    return [i for i in services_inscriptions.lister_inscriptions(famille_id)
            if i.periode_debut <= fin and i.date_debut <= fin]


def mois_de_la_famille(famille_id: int, annee: int, mois: int, calendrier: Calendrier,
                       grille: Grille, maintenant: datetime) -> list[CalendrierDeReservation]:
    """The month's booking calendars of the household, one per enrolment that has a day to
    book in it; read only (what is not fixed yet shows as it will be)."""
    jours = jours_du_mois(annee, mois)
    inscrites = [i for i in inscriptions_du_mois(famille_id, annee, mois)
                 if periode_de(grille, i) is not None]
    existantes = _existantes(inscrites, jours[0], jours[-1])
    calendriers = []
    for inscription in inscrites:
        periode = periode_de(grille, inscription)
        cases = [_case(calendrier, periode, inscription, jour, mois,
                       existantes.get((inscription.id, jour)), maintenant)
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
    if not (inscription.active and _reservable(calendrier, periode, inscription, jour)):
        mention = calendrier.sans_classe(jour) or "pas de service ce jour"
        return Case(jour, jour.month == mois, False, False, False, mention)
    modifiable = calendrier.modifiable(inscription.service, jour, maintenant)
    return Case(jour, jour.month == mois, True,
                _voulue(calendrier, periode, inscription, jour, reservation, modifiable),
                modifiable,
                calendrier.echeance(inscription.service, jour, maintenant))


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
