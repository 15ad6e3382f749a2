"""Enrolments: a child in a service for a period of the grid, with every change kept.

Families ask (« demandée »), change and cancel (« annulée »); « validée » and « refusée »
belong to agents (`valider`, `refuser`, called from the agents' pages only). A change by the
family sends a validated or refused enrolment back to « demandée »: the town hall sees the new
days before they count.
"""

from datetime import date
from functools import lru_cache

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from portail_famille.domaine import calendrier
from portail_famille.domaine import fratrie
from portail_famille.domaine import grille as grille_domaine
from portail_famille.domaine import scolarite
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.services import audit
from portail_famille.services import decisions
from portail_famille.services import foyers

# What the pages need of the rules, under the names they use.
JOURS_OUVRES = calendrier.JOURS_OUVRES
InscriptionRefusee = calendrier.ChoixRefuse
Choix = calendrier.Choix
periodes_ouvertes = calendrier.periodes_ouvertes
periode_ouverte = calendrier.periode_ouverte
les_jours = calendrier.les_jours


@lru_cache(maxsize=8)
def feries(annee: int):
    """The French public holidays of `annee` (the `holidays` package's calendar)."""
    return holidays.country_holidays("FR", years=annee)


def premier_jour_possible(periode: grille_domaine.Periode, aujourd_hui: date) -> date:
    """The first school day from which a new enrolment of `periode` may start."""
    jour = max(aujourd_hui, periode.debut)
    return scolarite.prochain_jour_de_classe(jour, feries(jour.year) | feries(jour.year + 1))


def jours_du_service(grille: grille_domaine.Grille, periode_debut: date, service: str,
                     ) -> tuple[str, ...]:
    """The days the service runs in that period (every school day once it is gone)."""
    periode = next((p for p in grille.periodes if p.debut == periode_debut), None)
    if periode is None or service not in periode.services:
        return JOURS_OUVRES
    return periode.services[service].jours


def lister_inscriptions(famille_id: int) -> list[Inscription]:
    """Every enrolment of the household's children not removed: by period, then eldest first."""
    # The child comes with the join: no query per enrolment for its name.
    return list(db.session.scalars(
        sa.select(Inscription).join(Enfant).options(contains_eager(Inscription.enfant))
        .where(foyers.presents(famille_id))
        .order_by(Inscription.periode_debut, Enfant.date_naissance, Enfant.id,
                  Inscription.service)))


def trouver_inscription(famille_id: int, inscription_id: int) -> Inscription:
    """One enrolment of this household's children not removed; raise foyers.Introuvable."""
    trouvee = db.session.scalars(
        sa.select(Inscription).join(Enfant)
        .where(Inscription.id == inscription_id, foyers.presents(famille_id))).first()
    if trouvee is None:
        raise foyers.Introuvable
    return trouvee


def _tracer(inscrite: Inscription, auteur: Compte, action: str) -> None:
    inscrite.historique.append(HistoriqueInscription(
        compte_id=auteur.id, role=auteur.role, action=action, statut=inscrite.statut,
        jours=inscrite.jours, date_debut=inscrite.date_debut, motif=inscrite.motif))


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
    calendrier.verifier_choix(periode, periode.services[service], choix, aujourd_hui,
                              feries(choix.date_debut.year))
    if not enfants_ids:
        raise InscriptionRefusee("enfants", "Cochez au moins un enfant.")
    try:
        concernes = [foyers.trouver_enfant(famille_id, enfant_id) for enfant_id in dict.fromkeys(
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
        existante.jours = calendrier.jours_dans_l_ordre(choix.jours)
        existante.date_debut = choix.date_debut
        existante.statut, existante.motif = "demandee", ""
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
    if periode is None or inscrite.service not in periode.services:
        raise InscriptionRefusee("jours", "Les inscriptions de cette année scolaire sont closes.")
    calendrier.verifier_choix(periode, periode.services[inscrite.service], choix, aujourd_hui,
                              feries(choix.date_debut.year), date_inchangee=inscrite.date_debut)
    action = "modification" if inscrite.active else "reprise"
    inscrite.jours = calendrier.jours_dans_l_ordre(choix.jours)
    inscrite.date_debut = choix.date_debut
    inscrite.statut, inscrite.motif = "demandee", ""
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


def demandees() -> list[Inscription]:
    """The enrolments asked by families and not decided yet, oldest request first (a child
    with one is never archived: `foyers.retirer_enfant`)."""
    return list(db.session.scalars(
        sa.select(Inscription).join(Enfant).options(contains_eager(Inscription.enfant))
        .where(Inscription.statut == "demandee")
        .order_by(Inscription.modifie_le, Inscription.id)))


def trouver_demandee(inscription_id: int) -> Inscription | None:
    """An enrolment of any household (the agents' remit), with its child."""
    return db.session.get(Inscription, inscription_id)


def _decider(inscrite: Inscription, version: int | None, agent: Compte, statut: str,
             motif: str) -> None:
    foyers.verifier_version(inscrite, version)
    if inscrite.statut != "demandee":
        raise decisions.DejaDecide
    inscrite.statut, inscrite.motif = statut, motif
    _tracer(inscrite, agent, "validation" if statut == "validee" else "refus")
    # The version column makes this UPDATE conditional: of two agents deciding at once, the
    # second gets StaleDataError (securite.md R1).
    db.session.flush()
    audit.consigner(f"inscription_{statut}", compte_id=agent.id,
                    famille_id=inscrite.enfant.famille_id, detail=f"inscription {inscrite.id}")


def valider(inscrite: Inscription, version: int | None, agent: Compte) -> None:
    """Validate an enrolment asked and loaded at `version`; raise foyers.ConflitDeVersion or
    decisions.DejaDecide."""
    _decider(inscrite, version, agent, "validee", "")


def refuser(inscrite: Inscription, version: int | None, agent: Compte, motif: str) -> None:
    """Refuse an enrolment asked and loaded at `version`, with the reason the family reads;
    raise foyers.ConflitDeVersion or decisions.DejaDecide."""
    _decider(inscrite, version, agent, "refusee", motif)


def rangs_dans_la_fratrie(enfants: list[Enfant], inscrites: list[Inscription], service: str,
                          periode_debut: date) -> dict[int, tuple[int, list[Enfant]]]:
    """Each child's sibling rank in a service and period (tarifs.md §3, `domaine.fratrie`),
    with the elder siblings it counts."""
    inscrits = {i.enfant_id for i in inscrites
                if i.active and i.service == service and i.periode_debut == periode_debut}
    par_id = {enfant.id: enfant for enfant in enfants}
    rangs = fratrie.rangs(((e.id, e.date_naissance) for e in enfants), inscrits)
    return {identifiant: (rang.rang, [par_id[aine] for aine in rang.aines])
            for identifiant, rang in rangs.items()}


def libelles_des_services(grille: grille_domaine.Grille) -> dict[tuple[date, str], str]:
    """The label of each service of each period, by (period start, code); an enrolment whose
    service a later grid dropped shows its code."""
    return {(periode.debut, code): service.libelle
            for periode in grille.periodes for code, service in periode.services.items()}
