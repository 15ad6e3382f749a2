"""Which QF prices a household's services: its records, their validity, the family's refusal."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.extensions import db
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import maintenant
from portail_famille.services import audit


@dataclass(frozen=True)
class EtatQuotient:
    """The QF that prices the family's services on a date, or why there is none.

    `raison`: None when `quotient` counts; else "aucun", "perime" or "refuse".
    """

    quotient: QuotientFamilial | None
    raison: str | None
    expire_le: date | None
    justificatif_en_attente: bool

    @property
    def qf(self) -> Decimal | None:
        return self.quotient.valeur if self.raison is None and self.quotient else None


def lister_quotients(famille_id: int) -> list[QuotientFamilial]:
    """Every QF record of the family, most recent first."""
    return list(db.session.scalars(_du_foyer(famille_id)))


def _du_foyer(famille_id: int) -> sa.Select:
    return (sa.select(QuotientFamilial).where(QuotientFamilial.famille_id == famille_id)
            .order_by(QuotientFamilial.recupere_le.desc(), QuotientFamilial.id.desc()))


def etat_quotient(famille: Famille, sources: tuple[str, ...], validite_mois: int,
                  maintenant_: datetime) -> EtatQuotient:
    """The most recent record of an enabled source (or an agent-checked document), unless it is
    older than `validite_mois` or the family refused afterwards (tarifs.md §3)."""
    en_attente = sa.exists().where(Justificatif.famille_id == famille.id,
                                   Justificatif.statut == "a_verifier")
    # Every page of a signed-in family asks: the records and the waiting document in one
    # query, a second only for a household without any record.
    lignes = db.session.execute(
        _du_foyer(famille.id).add_columns(en_attente.label("en_attente"))).all()
    attente = lignes[0].en_attente if lignes else db.session.scalar(sa.select(en_attente))
    return etat_depuis([ligne.QuotientFamilial for ligne in lignes], famille, sources,
                       validite_mois, maintenant_, attente)


def etat_depuis(enregistrements: list[QuotientFamilial], famille: Famille,
                sources: tuple[str, ...], validite_mois: int, maintenant_: datetime,
                en_attente: bool) -> EtatQuotient:
    """`etat_quotient` on records already fetched (most recent first, as `lister_quotients`
    gives them, or rows of `quotients_parmi`): the billing export prices a whole town from a
    few queries."""
    dernier = next((q for q in enregistrements
                    if quotient_domaine.source_admise(q.source, sources)), None)
    validite = quotient_domaine.validite(dernier and dernier.recupere_le,
                                         famille.quotient_refuse_le, validite_mois, maintenant_,
                                         dernier and dernier.expire_le)
    return EtatQuotient(dernier, validite.raison, validite.expire_le, en_attente)


def quotients_parmi(parmi: sa.Select) -> dict[int, list[sa.Row]]:
    """The QF records of the households `parmi` selects (a SELECT of their ids: a town's worth
    of ids does not fit in bound parameters), by household, most recent first: read-only rows
    with the columns `etat_depuis` reads, not entities (a town's worth of them is slow)."""
    par_famille: dict[int, list[sa.Row]] = {}
    for enregistrement in db.session.execute(
            sa.select(QuotientFamilial.famille_id, QuotientFamilial.source,
                      QuotientFamilial.valeur, QuotientFamilial.recupere_le,
                      QuotientFamilial.expire_le)
            .where(QuotientFamilial.famille_id.in_(parmi))
            .order_by(QuotientFamilial.recupere_le.desc(), QuotientFamilial.id.desc())):
        par_famille.setdefault(enregistrement.famille_id, []).append(enregistrement)
    return par_famille


def justificatifs_en_attente_parmi(parmi: sa.Select) -> set[int]:
    """Those of the households `parmi` selects with a document waiting for an agent."""
    return set(db.session.scalars(sa.select(Justificatif.famille_id).distinct().where(
        Justificatif.famille_id.in_(parmi), Justificatif.statut == "a_verifier")))


def refuser(famille: Famille) -> None:
    """Record that the family declines to share its income: sans_quotient applies (R2)."""
    famille.quotient_refuse_le = maintenant()
    audit.consigner("quotient_refuse", famille_id=famille.id)


def familles_inscrites(periodes_debut: list) -> list[Famille]:
    """The households with an enrolment asked or validated in one of the periods starting on
    `periodes_debut`: those whose QF prices something."""
    inscrites = (sa.select(Enfant.famille_id).join(Inscription, Inscription.enfant_id == Enfant.id)
                 .where(Inscription.statut.in_(("demandee", "validee")),
                        Inscription.periode_debut.in_(periodes_debut)))
    return list(db.session.scalars(sa.select(Famille).where(Famille.id.in_(inscrites))
                                   .order_by(Famille.id)))
