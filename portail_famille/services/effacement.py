"""Processing a household's deletion request (securite.md G2, GDPR Art. 17): what it removes,
what the law requires the town hall to keep, and doing it, or declining with a reason.

Kept: what billing rests on, for the time public-accounting rules set (the household's
residence and its refusal to share its income, the children enrolled, their enrolments with
their history, the QF records that priced them, the invoices, their credit notes and the
online payments received for them), the deletion request itself, and the security
journal, purged at its legal time (CNIL délibération 2021-122). Removed: everything else,
starting with the adults' accounts, so that nobody can sign in to the household any more.

SQLite does not enforce foreign keys: links to removed rows are cleared here, not by
ON DELETE clauses, so that both databases end in the same state.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import ContestationResidence
from portail_famille.models import Courriel
from portail_famille.models import DemandeSuppression
from portail_famille.models import Enfant
from portail_famille.models import Evenement
from portail_famille.models import Facture
from portail_famille.models import Famille
from portail_famille.models import HistoriqueInscription
from portail_famille.models import Inscription
from portail_famille.models import Justificatif
from portail_famille.models import OperationPaiement
from portail_famille.models import QuotientFamilial
from portail_famille.models import Renouvellement
from portail_famille.models import SecondAdulte
from portail_famille.models import SessionServeur
from portail_famille.models import Tache
from portail_famille.models import maintenant
from portail_famille.models.foyers import STATUTS_ACTIFS
from portail_famille.services import audit
from portail_famille.services import decisions
from portail_famille.services.retention import supprimer

FACTURATION = "pièce de la facturation, gardée le temps fixé par la comptabilité publique"


@dataclass(frozen=True)
class Categorie:
    """Rows of one kind: what they are, how many the household has, and why they are kept."""

    description: str
    nombre: int
    pourquoi: str = ""


@dataclass(frozen=True)
class Apercu:
    """What processing the request would do, for the agent to read before deciding."""

    supprime: list[Categorie]
    conserve: list[Categorie]
    inscriptions_en_cours: int


def _adultes(famille_id: int):
    return sa.select(Compte.id).where(Compte.famille_id == famille_id, Compte.role == "famille")


def _inscrits(famille_id: int):
    return sa.select(Inscription.enfant_id).join(Enfant).where(Enfant.famille_id == famille_id)


def _supprimes(famille_id: int) -> list[tuple[str, type, tuple]]:
    """Each removed kind: its description, model and the conditions that select its rows."""
    return [
        ("Comptes des adultes (identité FranceConnect, courriel)", Compte,
         (Compte.id.in_(_adultes(famille_id)),)),
        ("Sessions de connexion ouvertes", SessionServeur,
         (SessionServeur.compte_id.in_(_adultes(famille_id)),)),
        ("Second adulte déclaré", SecondAdulte, (SecondAdulte.famille_id == famille_id,)),
        ("Enfants jamais inscrits à un service", Enfant,
         (Enfant.famille_id == famille_id, Enfant.id.not_in(_inscrits(famille_id)))),
        ("Justificatifs de revenus déposés (les fichiers)", Justificatif,
         (Justificatif.famille_id == famille_id,)),
        ("Demandes de vérification de la commune de résidence", ContestationResidence,
         (ContestationResidence.famille_id == famille_id,)),
        ("Suivi du renouvellement annuel du quotient", Renouvellement,
         (Renouvellement.famille_id == famille_id,)),
        ("Courriels envoyés ou en attente", Courriel, (Courriel.famille_id == famille_id,)),
    ]


def _conserves(famille_id: int) -> list[tuple[str, str, type, tuple]]:
    return [
        ("Foyer : code postal, commune de résidence, refus éventuel de transmettre les revenus "
         "(l’adresse postale est effacée)", f"ils fixent les prix facturés ; {FACTURATION}",
         Famille, (Famille.id == famille_id,)),
        ("Enfants inscrits à un service : nom, prénoms, date de naissance, classe",
         FACTURATION, Enfant, (Enfant.famille_id == famille_id,
                               Enfant.id.in_(_inscrits(famille_id)))),
        ("Inscriptions", FACTURATION, Inscription,
         (Inscription.enfant_id.in_(_inscrits(famille_id)),)),
        ("Historique des inscriptions (sans le nom des adultes)", FACTURATION,
         HistoriqueInscription, (HistoriqueInscription.inscription_id.in_(
             sa.select(Inscription.id).where(Inscription.enfant_id.in_(
                 _inscrits(famille_id)))),)),
        ("Quotients familiaux et leur provenance", f"ils ont fixé les prix ; {FACTURATION}",
         QuotientFamilial, (QuotientFamilial.famille_id == famille_id,)),
        ("Factures émises, leurs avoirs et les paiements reçus au guichet", FACTURATION, Facture,
         (Facture.famille_id == famille_id,)),
        ("Paiements en ligne des factures (PayFiP)", FACTURATION, OperationPaiement,
         (OperationPaiement.famille_id == famille_id,)),
        ("Journal de sécurité (connexions, consultations par les agents)",
         "traçabilité des accès, purgée à sa durée légale (CNIL, délibération 2021-122)",
         Evenement, (Evenement.famille_id == famille_id,)),
        ("Demandes de suppression", "preuve que la demande a été traitée (RGPD, art. 12)",
         DemandeSuppression, (DemandeSuppression.famille_id == famille_id,)),
    ]


def _compter(modele, conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(modele).where(*conditions))


def trouver(demande_id: int) -> DemandeSuppression | None:
    return db.session.get(DemandeSuppression, demande_id)


def apercevoir(famille_id: int) -> Apercu:
    """What processing the household's request would remove and keep, with counts."""
    return Apercu(
        supprime=[Categorie(description, _compter(modele, conditions))
                  for description, modele, conditions in _supprimes(famille_id)],
        conserve=[Categorie(description, _compter(modele, conditions), pourquoi)
                  for description, pourquoi, modele, conditions in _conserves(famille_id)],
        inscriptions_en_cours=_compter(Inscription, (
            Inscription.enfant_id.in_(_inscrits(famille_id)),
            Inscription.statut.in_(STATUTS_ACTIFS))))


def effacer(demande: DemandeSuppression, agent: Compte) -> dict[str, int]:
    """Process the request: remove what the law does not require keeping (flushed); the count
    of each kind removed. Raise decisions.DejaDecide."""
    decisions.trancher(demande, "statut", "a_traiter", statut="traitee",
                       traitee_par_id=agent.id, traitee_le=maintenant())
    famille_id = demande.famille_id
    adultes = list(db.session.scalars(_adultes(famille_id)))
    for colonne in (Evenement.compte_id, HistoriqueInscription.compte_id,
                    DemandeSuppression.compte_id, Tache.lancee_par_id):
        db.session.execute(sa.update(colonne.class_).where(colonne.in_(adultes))
                           .values({colonne.key: None})
                           .execution_options(synchronize_session=False))
    db.session.execute(sa.update(QuotientFamilial).where(QuotientFamilial.famille_id == famille_id)
                       .values(justificatif_id=None).execution_options(synchronize_session=False))
    # Sessions before accounts: their condition reads the accounts.
    decompte = {modele.__tablename__: supprimer(modele, *conditions)
                for _, modele, conditions in sorted(
                    _supprimes(famille_id), key=lambda s: s[1] is Compte)}
    db.session.execute(sa.update(Famille).where(Famille.id == famille_id).values(
        adresse_voie="", adresse_complement="", renouvellement_consenti_le=None)
        .execution_options(synchronize_session=False))
    audit.consigner("suppression_effectuee", compte_id=agent.id, famille_id=famille_id,
                    detail=" ".join(f"{table}={nombre}" for table, nombre in decompte.items()))
    db.session.expire_all()
    return decompte


def decliner(demande: DemandeSuppression, agent: Compte, motif: str) -> None:
    """Decline the request with the reason the family reads; raise decisions.DejaDecide."""
    decisions.trancher(demande, "statut", "a_traiter", statut="refusee",
                       traitee_par_id=agent.id, traitee_le=maintenant(), motif=motif)
    audit.consigner("suppression_refusee", compte_id=agent.id, famille_id=demande.famille_id)


def derniere_refusee(famille_id: int) -> DemandeSuppression | None:
    """The household's latest request, when the town hall declined it (the family reads why)."""
    derniere = db.session.scalars(sa.select(DemandeSuppression).where(
        DemandeSuppression.famille_id == famille_id)
        .order_by(DemandeSuppression.demandee_le.desc(), DemandeSuppression.id.desc())
        .limit(1)).first()
    return derniere if derniere is not None and derniere.statut == "refusee" else None
