"""Enrolments: a child in a service for a period of the grid, with every change kept.

Families ask (« demandée »), change and cancel (« annulée »); « validée » belongs to agents, so
no function here sets it. A change by the family sends a validated enrolment back to
« demandée »: the town hall sees the new days before they count.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portail_famille import affichage
from portail_famille.domaine import grille as grille_domaine
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models.foyers import JOURS_OUVRES
from portail_famille.services import foyers


class InscriptionRefusee(ValueError):
    """A request the rules refuse; `champ` names the form field the French message belongs to."""

    def __init__(self, champ: str, message: str):
        super().__init__(message)
        self.champ = champ
        self.message = message


@dataclass(frozen=True)
class Choix:
    """What the family chose: the days of the week and the first day."""

    jours: tuple[str, ...]
    date_debut: date


def periodes_ouvertes(grille: grille_domaine.Grille,
                      aujourd_hui: date) -> tuple[grille_domaine.Periode, ...]:
    """The periods a family may enrol in: the one in force (between two, the next to come) and
    the following one when the grid already holds it."""
    try:
        courante = grille.periode_a(aujourd_hui)
    except grille_domaine.PeriodeIntrouvable:
        a_venir = [p for p in grille.periodes if p.debut > aujourd_hui]
        return tuple(a_venir[:1])
    suivante = grille.periode_suivante(courante)
    return (courante,) if suivante is None else (courante, suivante)


def periode_ouverte(grille: grille_domaine.Grille, debut: date,
                    aujourd_hui: date) -> grille_domaine.Periode | None:
    """The open period starting on `debut`, or None once it is closed or gone from the grid."""
    return next((p for p in periodes_ouvertes(grille, aujourd_hui) if p.debut == debut), None)


def inscriptions(famille_id: int) -> list[Inscription]:
    """Every enrolment of the household's children not removed: by period, then eldest first."""
    return list(db.session.scalars(
        sa.select(Inscription).join(Enfant).where(foyers.presents(famille_id))
        .order_by(Inscription.periode_debut, Enfant.date_naissance, Enfant.id,
                  Inscription.service)))


def inscription(famille_id: int, inscription_id: int) -> Inscription:
    """One enrolment of this household's children not removed; raise foyers.Introuvable."""
    trouvee = db.session.scalars(
        sa.select(Inscription).join(Enfant)
        .where(Inscription.id == inscription_id, foyers.presents(famille_id))).first()
    if trouvee is None:
        raise foyers.Introuvable
    return trouvee


def _verifier_choix(periode: grille_domaine.Periode, choix: Choix, aujourd_hui: date,
                    date_inchangee: date | None = None) -> None:
    if not choix.jours:
        raise InscriptionRefusee("jours", "Cochez au moins un jour.")
    if not set(choix.jours) <= set(JOURS_OUVRES):
        raise InscriptionRefusee("jours", "Choisissez des jours du lundi au vendredi.")
    if not periode.debut <= choix.date_debut <= periode.fin:
        raise InscriptionRefusee(
            "date_debut", f"Choisissez une date entre le {affichage.date_longue(periode.debut)} "
                          f"et le {affichage.date_longue(periode.fin)}.")
    # A start already past may stay as it is; a new one cannot be backdated.
    if choix.date_debut < aujourd_hui and choix.date_debut != date_inchangee:
        raise InscriptionRefusee("date_debut", "Choisissez une date à partir d’aujourd’hui.")


def _jours(choix: Choix) -> str:
    return ",".join(jour for jour in JOURS_OUVRES if jour in choix.jours)


def _tracer(inscrite: Inscription, auteur: Compte, action: str) -> None:
    inscrite.historique.append(HistoriqueInscription(
        compte_id=auteur.id, role=auteur.role, action=action, statut=inscrite.statut,
        jours=inscrite.jours, date_debut=inscrite.date_debut))


def inscrire(famille_id: int, enfants_ids: list[int], grille: grille_domaine.Grille,
             periode_debut: date, service: str, choix: Choix, auteur: Compte,
             aujourd_hui: date) -> list[Inscription]:
    """Ask for the enrolment of several children in one service and period, all or none.

    A cancelled enrolment of the same child is asked again rather than duplicated. Raise
    InscriptionRefusee.
    """
    periode = periode_ouverte(grille, periode_debut, aujourd_hui)
    if periode is None or service not in periode.services:
        raise InscriptionRefusee("service", "Choisissez un service de l’année proposée.")
    _verifier_choix(periode, choix, aujourd_hui)
    if not enfants_ids:
        raise InscriptionRefusee("enfants", "Cochez au moins un enfant.")
    try:
        concernes = [foyers.enfant(famille_id, enfant_id) for enfant_id in dict.fromkeys(
            enfants_ids)]
    except foyers.Introuvable:
        raise InscriptionRefusee("enfants", "Choisissez parmi vos enfants.") from None
    existantes = {}
    for concerne in concernes:
        existante = next((i for i in concerne.inscriptions
                          if i.service == service and i.periode_debut == periode.debut), None)
        if existante is not None and existante.active:
            raise InscriptionRefusee(
                "enfants", f"{concerne.prenom} a déjà une inscription à ce service pour cette "
                           "année : modifiez-la depuis la liste des inscriptions.")
        existantes[concerne.id] = existante
    creees = []
    for concerne in concernes:
        existante = existantes[concerne.id]
        if existante is None:
            existante = Inscription(service=service, periode_debut=periode.debut,
                                    periode_libelle=periode.libelle)
            concerne.inscriptions.append(existante)
        existante.jours, existante.date_debut = _jours(choix), choix.date_debut
        existante.statut = "demandee"
        _tracer(existante, auteur, "demande" if existantes[concerne.id] is None else "reprise")
        # Written child by child inside the request's transaction: a failure on a later child
        # leaves nothing, since only the view's single commit makes the rows count (R1).
        db.session.flush()
        creees.append(existante)
    return creees


def modifier(inscrite: Inscription, version: int | None, grille: grille_domaine.Grille,
             choix: Choix, auteur: Compte, aujourd_hui: date) -> None:
    """Change the days or the start of an enrolment loaded at `version`; it is « demandée »
    again. Raise foyers.ConflitDeVersion or InscriptionRefusee."""
    foyers.verifier_version(inscrite, version)
    periode = periode_ouverte(grille, inscrite.periode_debut, aujourd_hui)
    if periode is None:
        raise InscriptionRefusee("jours", "Les inscriptions de cette année scolaire sont closes.")
    _verifier_choix(periode, choix, aujourd_hui, date_inchangee=inscrite.date_debut)
    action = "modification" if inscrite.active else "reprise"
    inscrite.jours, inscrite.date_debut = _jours(choix), choix.date_debut
    inscrite.statut = "demandee"
    _tracer(inscrite, auteur, action)
    db.session.flush()


def annuler(inscrite: Inscription, version: int | None, auteur: Compte) -> None:
    """Cancel an enrolment loaded at `version`; raise foyers.ConflitDeVersion."""
    foyers.verifier_version(inscrite, version)
    if not inscrite.active:
        return
    inscrite.statut = "annulee"
    _tracer(inscrite, auteur, "annulation")
    db.session.flush()


def rangs_dans_la_fratrie(enfants: list[Enfant], inscrites: list[Inscription], service: str,
                          periode_debut: date) -> dict[int, tuple[int, list[Enfant]]]:
    """Each child's sibling rank in a service and period, with the elder siblings it counts.

    Among the household's children enrolled there (not cancelled), by birth date, eldest = 1
    (tarifs.md §3). Children born the same day (twins) have no elder: they are ranked in the
    order their records were created (`Enfant.id`), so that the ranks never change from one
    page to the next, and the household pays the same total whichever twin comes first. A
    child not enrolled gets the rank it would have once enrolled.
    """
    inscrits = {i.enfant_id for i in inscrites
                if i.active and i.service == service and i.periode_debut == periode_debut}
    resultat = {}
    for concerne in enfants:
        aines = [autre for autre in enfants if autre.id in inscrits and autre.id != concerne.id
                 and (autre.date_naissance, autre.id) < (concerne.date_naissance, concerne.id)]
        resultat[concerne.id] = (len(aines) + 1, aines)
    return resultat


def libelles_des_services(grille: grille_domaine.Grille) -> dict[tuple[date, str], str]:
    """The label of each service of each period, by (period start, code); an enrolment whose
    service a later grid dropped shows its code."""
    return {(periode.debut, code): service.libelle
            for periode in grille.periodes for code, service in periode.services.items()}
