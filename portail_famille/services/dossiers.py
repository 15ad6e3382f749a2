"""A household's file as agents open it: everything the portal holds on it and every price
it pays, each computed by the service the family's own pages use, and the trace of who
opened it and why (securite.md A5)."""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from portail_famille.domaine import grille as grille_domaine
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import ContestationResidence
from portail_famille.models import Enfant
from portail_famille.models import Famille
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import SecondAdulte
from portail_famille.models import TarifDecide
from portail_famille.services import audit
from portail_famille.services import corrections
from portail_famille.services import donnees
from portail_famille.services import foyers
from portail_famille.services import justificatifs
from portail_famille.services import quotients
from portail_famille.services import recherche_familles
from portail_famille.services import tarifs_famille

# Why an agent opens a file: asked once per file and session, written in the journal in the
# words the family reads on « Mes données ».
MOTIFS = {
    "guichet": "Accueil de la famille au guichet",
    "telephone": "Appel téléphonique de la famille",
    "justificatif": "Examen d’un justificatif",
    "inscription": "Vérification d’une inscription",
    "facturation": "Facturation",
}


@dataclass(frozen=True)
class Dossier:
    famille: Famille
    numero: str
    residence: foyers.Residence
    contestation: ContestationResidence | None
    adultes: tuple[Compte, ...]
    second: SecondAdulte | None
    enfants: tuple[Enfant, ...]  # archived ones included, last
    inscriptions: tuple[Inscription, ...]
    quotients: tuple[QuotientFamilial, ...]  # most recent first
    justificatifs: tuple[Justificatif, ...]  # most recent first, refused ones with their reason
    decisions: tuple[TarifDecide, ...]  # most recent first
    tarifs: tarifs_famille.TarifsFoyer


def trouver(famille_id: int) -> Famille:
    """The household; raise foyers.Introuvable."""
    famille = db.session.get(Famille, famille_id)
    if famille is None:
        raise foyers.Introuvable
    return famille


def consigner_consultation(agent: Compte, famille: Famille, motif: str) -> None:
    """Journal that `agent` opened the household's file, and why (one of MOTIFS)."""
    audit.consigner(donnees.TYPE_CONSULTATION, compte_id=agent.id, famille_id=famille.id,
                    detail=MOTIFS[motif])


def _enfants(famille_id: int) -> tuple[Enfant, ...]:
    return tuple(db.session.scalars(
        sa.select(Enfant).where(Enfant.famille_id == famille_id)
        .order_by(Enfant.archive_le.is_not(None), Enfant.date_naissance, Enfant.id)))


def _inscriptions(famille_id: int) -> tuple[Inscription, ...]:
    return tuple(db.session.scalars(
        sa.select(Inscription).join(Enfant).where(Enfant.famille_id == famille_id)
        .order_by(Inscription.periode_debut, Enfant.date_naissance, Inscription.id)))


def charger(famille: Famille, grille: grille_domaine.Grille, aujourd_hui: date,
            liens: tarifs_famille.Liens) -> Dossier:
    """The whole file; its prices are those of « Mes tarifs » (`tarifs_famille`)."""
    etat = quotients.etat_quotient(famille, grille.sources, grille.validite_mois,
                                   datetime.now(UTC))
    return Dossier(
        famille=famille,
        numero=recherche_familles.formater_numero(famille.id),
        residence=foyers.residence_du_foyer(famille, grille),
        contestation=foyers.contestation_en_cours(famille.id),
        adultes=tuple(a for a in famille.adultes if a.role == "famille"),
        second=foyers.trouver_second_adulte(famille.id),
        enfants=_enfants(famille.id),
        inscriptions=_inscriptions(famille.id),
        quotients=tuple(quotients.lister_quotients(famille.id)),
        justificatifs=tuple(justificatifs.lister(famille.id)),
        decisions=tuple(corrections.lister_tarifs_decides(famille.id)),
        tarifs=tarifs_famille.tarifs_du_foyer(famille, grille, etat, aujourd_hui, liens),
    )
