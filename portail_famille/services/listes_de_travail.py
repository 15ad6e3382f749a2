"""The agents' worklists and their counts (issue 10 §4): documents to review, enrolments asked,
deletion requests, and QFs that expire soon or have expired while they price an enrolment,
with the households whose yearly renewal failed."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine.grille import Grille
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import DemandeSuppression
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models.foyers import STATUTS_ACTIFS
from portail_famille.services import renouvellement

# A QF this close to its end is on the list (and the family gets the email of issue 12).
PREAVIS = timedelta(days=30)


@dataclass(frozen=True)
class QuotientAEcheance:
    """A household of the « QF expiring » list: when its QF ends (None: never had one that
    counts), and, when its yearly renewal failed, why, in words."""

    famille_id: int
    expire_le: date | None
    renouvellement_echoue: str | None

    def perime(self, aujourd_hui: date) -> bool:
        return self.expire_le is None or self.expire_le <= aujourd_hui


@dataclass(frozen=True)
class Decompte:
    justificatifs: int
    inscriptions: int
    suppressions: int
    quotients: int


def noms_des_foyers(famille_ids) -> dict[int, str]:
    """Each household's adults who sign in, as agents name it (« Camille MARTIN, Alex MARTIN »)."""
    noms: dict[int, list[str]] = {}
    for compte in db.session.scalars(sa.select(Compte).where(
            Compte.famille_id.in_(set(famille_ids)), Compte.role == "famille")
            .order_by(Compte.id)):
        noms.setdefault(compte.famille_id, []).append(compte.nom_affiche)
    return {famille_id: ", ".join(liste) for famille_id, liste in noms.items()}


def _foyers_inscrits(grille: Grille, aujourd_hui: date):
    """The households with an enrolment asked or validated in a period not over yet."""
    debuts = [p.debut for p in grille.periodes if p.fin >= aujourd_hui]
    return (sa.select(Enfant.famille_id).join(Inscription, Inscription.enfant_id == Enfant.id)
            .where(Inscription.statut.in_(STATUTS_ACTIFS), Inscription.periode_debut.in_(debuts))
            .distinct())


def quotients_a_echeance(grille: Grille, aujourd_hui: date,
                         maintenant: datetime) -> list[QuotientAEcheance]:
    """The enrolled households whose QF ends within PREAVIS or has ended, and those whose last
    renewal failed with no QF since; the soonest end first.

    The enrolled households come from one query of their latest record, judged by the same
    validity rule as every price (`domaine.quotient.validite`).
    """
    admises = (*grille.sources, *quotient_domaine.SOURCES_DE_LA_MAIRIE)
    derniers = (sa.select(QuotientFamilial.famille_id,
                          sa.func.max(QuotientFamilial.recupere_le).label("le"))
                .where(QuotientFamilial.source.in_(admises))
                .group_by(QuotientFamilial.famille_id).subquery())
    lignes = db.session.execute(
        sa.select(Famille.id, Famille.quotient_refuse_le, derniers.c.le)
        .outerjoin(derniers, derniers.c.famille_id == Famille.id)
        .where(Famille.id.in_(_foyers_inscrits(grille, aujourd_hui))))
    echeances = {}
    for famille_id, refuse_le, recupere_le in lignes:
        validite = quotient_domaine.validite(recupere_le, refuse_le, grille.validite_mois,
                                             maintenant)
        if validite.raison == "perime" or (
                validite.raison is None and validite.expire_le - aujourd_hui <= PREAVIS):
            echeances[famille_id] = validite.expire_le
    echoues = {item.famille_id: renouvellement.RAISONS.get(item.raison, item.libelle_issue)
               for item in renouvellement.a_relancer()}
    for famille_id in echoues.keys() - echeances.keys():
        famille = db.session.get(Famille, famille_id)
        recupere_le = db.session.scalar(sa.select(sa.func.max(QuotientFamilial.recupere_le))
                                        .where(QuotientFamilial.famille_id == famille_id,
                                               QuotientFamilial.source.in_(admises)))
        echeances[famille_id] = quotient_domaine.validite(
            recupere_le, famille.quotient_refuse_le, grille.validite_mois, maintenant).expire_le
    return sorted((QuotientAEcheance(famille_id, expire_le, echoues.get(famille_id))
                   for famille_id, expire_le in echeances.items()),
                  key=lambda q: (q.expire_le or date.min, q.famille_id))


def demandes_de_suppression() -> list[DemandeSuppression]:
    """The deletion requests not processed yet, oldest first (one month to answer, G2)."""
    return list(db.session.scalars(sa.select(DemandeSuppression).where(
        DemandeSuppression.statut == "a_traiter")
        .order_by(DemandeSuppression.demandee_le, DemandeSuppression.id)))


def _compter(modele, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(modele).where(*conditions))


def decompter(grille: Grille, aujourd_hui: date, maintenant: datetime) -> Decompte:
    """How many items each worklist holds, for the agents' home page."""
    return Decompte(
        justificatifs=_compter(Justificatif, Justificatif.statut == "a_verifier"),
        inscriptions=_compter(Inscription, Inscription.statut == "demandee"),
        suppressions=_compter(DemandeSuppression, DemandeSuppression.statut == "a_traiter"),
        quotients=len(quotients_a_echeance(grille, aujourd_hui, maintenant)))
