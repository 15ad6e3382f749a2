"""The yearly renewal of QFs (issue 12): before a school year, the town hall asks the CAF again,
by identity, for the households that consented and whose QF will no longer count.

A campaign is a `Tache`; each of its households is a `Renouvellement` row, taken by one worker
at a time, so that several workers share a campaign and one that died leaves nothing done twice.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from portail_famille.domaine.grille import Grille
from portail_famille.domaine.grille import Periode
from portail_famille.extensions import db
from portail_famille.models import Famille
from portail_famille.models import QuotientFamilial
from portail_famille.models import Renouvellement
from portail_famille.services import audit
from portail_famille.services import quotients
from portail_famille.services import recuperation
from portail_famille.services.clients_api import Clients

# A household taken by a worker that has not concluded for this long is taken again: a lookup
# lasts seconds, so that worker died.
SILENCE = timedelta(minutes=5)
# Attempts of a household whose lookups failed for a passing reason (API busy or down).
TENTATIVES_MAXIMALES = 3
TERMINES = ("renouvele", "introuvable", "echec")
# The failures of a household the CAF answered for: it is not found, or not computable there.
INTROUVABLES = ("introuvable", "sans_dossier", "non_calculable", "allocataire_different")
RAISONS = {
    "introuvable": "la CAF ou la MSA ne trouve pas l’allocataire",
    "sans_dossier": "aucun dossier à la CAF ou à la MSA",
    "non_calculable": "quotient non calculable par la CAF",
    "allocataire_different": "le dossier trouvé ne compte pas l’adulte du foyer",
    "identite_incomplete": "identité FranceConnect incomplète ou absente",
    "quota": "API saturée",
    "indisponible": "API indisponible",
    "delai": "API trop lente",
    "maintenance": "API en maintenance",
    "en_cours": "demande déjà en cours",
}


def prochaine_periode(grille: Grille, aujourd_hui: date) -> Periode | None:
    """The grid's first period starting after today, if the council voted it already."""
    return min((p for p in grille.periodes if p.debut > aujourd_hui),
               key=lambda p: p.debut, default=None)


def cibles(grille: Grille, avant: date, aujourd_hui: date, maintenant: datetime) -> list[int]:
    """The households to renew: they consented, a child has an enrolment asked or validated in
    a period not over yet, and their QF will not count any more on `avant` (or is missing)."""
    debuts = [p.debut for p in grille.periodes if p.fin >= aujourd_hui]
    retenues = []
    for famille in quotients.familles_inscrites(debuts):
        if famille.renouvellement_consenti_le is None:
            continue
        etat = quotients.etat_quotient(famille, grille.sources, grille.validite_mois, maintenant)
        if etat.qf is None or etat.expire_le < avant:
            retenues.append(famille.id)
    return retenues


def preparer(tache_id: int, famille_ids: list[int]) -> int:
    """The campaign's households, added once however often this runs; their number."""
    deja = set(db.session.scalars(sa.select(Renouvellement.famille_id).where(
        Renouvellement.tache_id == tache_id)))
    db.session.add_all(Renouvellement(tache_id=tache_id, famille_id=famille_id)
                       for famille_id in famille_ids if famille_id not in deja)
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count()).where(
        Renouvellement.tache_id == tache_id))


def prendre(tache_id: int, maintenant: datetime) -> Renouvellement | None:
    """The next household of the campaign, taken for this worker alone; None when none is left.

    Taken by a conditional UPDATE: of two workers asking at once, one gets it."""
    libre = sa.or_(Renouvellement.etat == "a_faire",
                   sa.and_(Renouvellement.etat == "en_cours",
                           Renouvellement.pris_le < maintenant - SILENCE))
    while True:
        candidat = db.session.scalar(
            sa.select(Renouvellement.id).where(Renouvellement.tache_id == tache_id, libre)
            .order_by(Renouvellement.tentatives, Renouvellement.id).limit(1))
        if candidat is None:
            return None
        pris = db.session.execute(
            sa.update(Renouvellement).where(Renouvellement.id == candidat, libre)
            .values(etat="en_cours", pris_le=maintenant,
                    tentatives=Renouvellement.tentatives + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if pris:
            item = db.session.get(Renouvellement, candidat)
            db.session.refresh(item)
            return item


def renouveler(item: Renouvellement, clients: Clients, maintenant: datetime) -> None:
    """Ask the CAF for the household's QF by the identity FranceConnect gave; record the
    outcome on the row (a new QF record when found). A passing failure puts the household
    back in the queue until its attempts are spent."""
    compte = recuperation.adulte_france_connect(item.famille_id)
    civile = None if compte is None else recuperation.identite_france_connect(compte)
    if civile is None:
        _conclure(item, "echec", "identite_incomplete", maintenant)
        return
    try:
        recuperation.recuperer_par_identite(compte, civile, clients)
    except recuperation.RecuperationImpossible as refus:
        classe = refus.echec.classe
        if classe in recuperation.PASSAGERES and item.tentatives < TENTATIVES_MAXIMALES:
            item.etat, item.raison, item.pris_le = "a_faire", classe, None
            return
        _conclure(item, "introuvable" if classe in INTROUVABLES else "echec", classe, maintenant)
        return
    _conclure(item, "renouvele", "", maintenant)


def _conclure(item: Renouvellement, etat: str, raison: str, maintenant: datetime) -> None:
    item.etat, item.raison, item.traite_le = etat, raison, maintenant
    audit.consigner("renouvellement", famille_id=item.famille_id,
                    detail=etat if not raison else f"{etat} : {raison}")


@dataclass
class Bilan:
    """Where a campaign stands: its households by outcome, and the reasons of the failures."""

    total: int = 0
    a_faire: int = 0
    renouvele: int = 0
    introuvable: int = 0
    echec: int = 0
    raisons: dict[str, int] = field(default_factory=dict)

    @property
    def faits(self) -> int:
        return self.renouvele + self.introuvable + self.echec

    @property
    def termine(self) -> bool:
        return self.a_faire == 0

    def raisons_en_clair(self) -> list[tuple[str, int]]:
        return sorted(((RAISONS.get(raison, raison), nombre)
                       for raison, nombre in self.raisons.items()), key=lambda r: -r[1])


def bilan(tache_id: int) -> Bilan:
    resultat = Bilan()
    for etat, raison, nombre in db.session.execute(
            sa.select(Renouvellement.etat, Renouvellement.raison, sa.func.count())
            .where(Renouvellement.tache_id == tache_id)
            .group_by(Renouvellement.etat, Renouvellement.raison)):
        resultat.total += nombre
        if etat in TERMINES:
            setattr(resultat, etat, getattr(resultat, etat) + nombre)
            if raison:
                resultat.raisons[raison] = resultat.raisons.get(raison, 0) + nombre
        else:
            resultat.a_faire += nombre
    return resultat


def echecs(tache_id: int) -> list[Renouvellement]:
    """The campaign's households not renewed, for its report."""
    return list(db.session.scalars(sa.select(Renouvellement).where(
        Renouvellement.tache_id == tache_id, Renouvellement.etat.in_(("introuvable", "echec")))
        .order_by(Renouvellement.famille_id)))


def a_relancer() -> list[Renouvellement]:
    """The households whose last renewal failed and that have no QF since: the agents' « QF
    expiring » worklist shows them, to call or write to the family."""
    derniers = (sa.select(Renouvellement.famille_id,
                          sa.func.max(Renouvellement.id).label("dernier"))
                .where(Renouvellement.etat.in_(TERMINES))
                .group_by(Renouvellement.famille_id).subquery())
    plus_recent = (sa.select(sa.func.max(QuotientFamilial.recupere_le))
                   .where(QuotientFamilial.famille_id == Renouvellement.famille_id)
                   .scalar_subquery())
    return list(db.session.scalars(
        sa.select(Renouvellement).join(derniers, Renouvellement.id == derniers.c.dernier)
        .join(Famille, Famille.id == Renouvellement.famille_id)
        .where(Renouvellement.etat.in_(("introuvable", "echec")),
               sa.or_(plus_recent.is_(None), plus_recent < Renouvellement.traite_le))
        .order_by(Renouvellement.traite_le.desc())))


def consentir(famille: Famille, oui: bool, maintenant: datetime) -> None:
    """Record the family's choice about the yearly renewal (it may change its mind)."""
    if oui and famille.renouvellement_consenti_le is None:
        famille.renouvellement_consenti_le = maintenant
    elif not oui:
        famille.renouvellement_consenti_le = None
    audit.consigner("consentement_renouvellement", famille_id=famille.id,
                    detail="accordé" if oui else "retiré")
