"""What an agent may correct in a household's file, always with a reason and an end date, and
an audit row: a QF set from a document seen at the counter, a rate decided outside the grid
(a CCAS social decision). Nothing is deleted: a correction is a new record that takes over,
the history stays for the family and the agents."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.domaine import tarification
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import QuotientFamilial
from portail_famille.models import TarifDecide
from portail_famille.models import maintenant
from portail_famille.services import audit
from portail_famille.services import foyers

# The audit rows' types: who corrected which household, and why (never the value).
TYPE_QUOTIENT = "quotient_saisi_mairie"
TYPE_TARIF = "tarif_decide_mairie"


@dataclass(frozen=True)
class Saisie:
    """What the agent typed: the same for both corrections but the price or QF."""

    motif: str
    fin: date


def _toucher(famille: Famille, version: int | None) -> None:
    """Refuse a form loaded before another change of the household, and mark this one: the
    family's forms loaded before it get their 409 in turn (securite.md R1)."""
    foyers.verifier_version(famille, version)
    famille.modifie_le = maintenant()


def saisir_quotient(famille: Famille, version: int | None, agent: Compte, valeur: Decimal,
                    saisie: Saisie) -> QuotientFamilial:
    """A QF the agent read on a document at the counter, counting until `saisie.fin` (its
    first day without validity); raise foyers.ConflitDeVersion or QuotientIncalculable."""
    _toucher(famille, version)
    quotient = QuotientFamilial(
        famille_id=famille.id, source="mairie", mode="saisie_mairie", fournisseur="mairie",
        valeur=quotient_domaine.quotient_retenu(valeur), recupere_le=maintenant(),
        valide_par_id=agent.id, motif=saisie.motif, expire_le=saisie.fin)
    db.session.add(quotient)
    db.session.flush()
    audit.consigner(TYPE_QUOTIENT, compte_id=agent.id, famille_id=famille.id,
                    detail=saisie.motif)
    return quotient


def decider_tarif(famille: Famille, version: int | None, agent: Compte, enfant: Enfant,
                  service: str, prix: Decimal, saisie: Saisie, aujourd_hui: date) -> TarifDecide:
    """A price for one child in one service, from today to `saisie.fin` included; raise
    foyers.ConflitDeVersion."""
    _toucher(famille, version)
    decision = TarifDecide(enfant_id=enfant.id, service=service, prix=prix,
                           motif=saisie.motif, debut=aujourd_hui, fin=saisie.fin,
                           decide_le=maintenant(), agent_id=agent.id)
    db.session.add(decision)
    db.session.flush()
    audit.consigner(TYPE_TARIF, compte_id=agent.id, famille_id=famille.id,
                    detail=f"{service} : {saisie.motif}")
    return decision


def lister_tarifs_decides(famille_id: int) -> list[TarifDecide]:
    """Every rate decided for the household's children, the most recent first."""
    return list(db.session.scalars(
        sa.select(TarifDecide).join(Enfant).where(Enfant.famille_id == famille_id)
        .order_by(TarifDecide.decide_le.desc(), TarifDecide.id.desc())))


def decision_en_vigueur(decisions: list[TarifDecide], enfant_id: int, service: str,
                        le: date) -> tarification.Decision | None:
    """The latest decision for this child and service in force on `le`, if any (`decisions`
    as `lister_tarifs_decides` gives them)."""
    if not decisions:  # most households: a town's export asks once per line
        return None
    retenue = next((d for d in decisions if d.enfant_id == enfant_id and d.service == service
                    and d.debut <= le <= d.fin), None)
    return None if retenue is None else tarification.Decision(
        retenue.prix, retenue.motif, retenue.decide_le, retenue.fin)
