"""The audit journal as admins read it (issue 11 §8): filtered by date, actor and kind, a page
at a time, each kind with its French label. Rows name accounts and households by number and a
staff member by the identifier or email an admin gave: never a family's name or income."""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Evenement
from portail_famille.services import comptes

PAR_PAGE = 50
# Dates typed by an admin are the town hall's days, not UTC ones.
FUSEAU = ZoneInfo("Europe/Paris")

LIBELLES = {
    "connexion_franceconnect": "Connexion d’une famille (FranceConnect)",
    "echec_connexion": "Échec de connexion",
    "connexion_bloquee": "Connexion refusée pendant un verrouillage",
    "verrouillage": "Verrouillage après des échecs répétés",
    "mot_de_passe_accepte": "Personnel : mot de passe accepté, code attendu",
    "echec_second_facteur": "Personnel : code de vérification refusé",
    "echec_enrolement_totp": "Personnel : code refusé à l’activation de la double "
                             "authentification",
    "enrolement_totp": "Personnel : double authentification activée",
    "connexion_personnel": "Connexion du personnel",
    "connexion_proconnect": "Connexion du personnel (ProConnect)",
    "refus_proconnect": "Connexion ProConnect refusée (SIRET d’une autre organisation, compte "
                        "inconnu ou désactivé)",
    "compte_cree": "Compte du personnel créé",
    "compte_role": "Rôle d’un compte du personnel changé",
    "compte_desactive": "Compte du personnel désactivé",
    "compte_reactive": "Compte du personnel réactivé",
    "totp_reinitialise": "Double authentification d’un compte réinitialisée",
    "consultation_agent": "Consultation d’un dossier par un agent",
    "identite_refusee": "Identité refusée par la CAF ou la DGFiP",
    "numero_fiscal_refuse": "Numéro fiscal refusé",
    "quotient_recupere": "Quotient familial récupéré",
    "quotient_confirme": "Quotient familial confirmé par la famille",
    "quotient_refuse": "Partage du quotient familial refusé par la famille",
    "justificatif_depose": "Justificatif déposé",
    "justificatif_accepte": "Justificatif accepté par la mairie",
    "justificatif_refuse": "Justificatif refusé par la mairie",
    "inscription_validee": "Inscription validée par la mairie",
    "inscription_refusee": "Inscription refusée par la mairie",
    "quotient_saisi_mairie": "Quotient familial saisi par la mairie",
    "tarif_decide_mairie": "Tarif décidé hors de la grille (CCAS)",
    "grille_modifiee": "Grille tarifaire modifiée",
    "residence_contestee": "Résidence contestée par la famille",
    "demande_suppression": "Demande de suppression des données",
    "suppression_effectuee": "Suppression des données effectuée par la mairie",
    "suppression_refusee": "Demande de suppression refusée par la mairie",
    "consentement_renouvellement": "Consentement au renouvellement annuel",
    "renouvellement": "Renouvellement annuel du quotient",
    "purge": "Purge des données échues",
    "paiement_demarre": "Paiement en ligne commencé (PayFiP)",
    "paiement_recu": "Paiement en ligne reçu (PayFiP)",
    "paiement_refuse": "Paiement en ligne refusé (PayFiP)",
    "paiement_annule": "Paiement en ligne annulé par le payeur (PayFiP)",
    "paiement_expire": "Paiement en ligne jamais terminé chez PayFiP",
    "paiement_introuvable": "Paiement en ligne inconnu de PayFiP",
    "paiement_discordant": "Paiement en ligne refusé : référence ou montant différent",
    "paiement_en_double": "Facture payée deux fois en ligne : un remboursement est à faire",
    "export_facturation": "Export de facturation (prix et quotients de toutes les familles)",
    "facturation_calculee": "Brouillon d’une campagne de facturation calculé",
    "facturation_emise": "Campagne de facturation émise",
    "avoir_emis": "Avoir émis sur une facture",
    "encaissement_regie": "Paiement reçu au guichet de la régie enregistré",
    "encaissement_annule": "Paiement reçu au guichet annulé (saisie erronée)",
}


def libelle(type_: str) -> str:
    """The French label of a kind of event (its code when a newer kind has none yet)."""
    return LIBELLES.get(type_, type_)


@dataclass(frozen=True)
class Filtres:
    du: date | None = None
    au: date | None = None
    acteur_id: int | None = None
    type_: str | None = None


@dataclass(frozen=True)
class Ligne:
    quand: datetime
    type_: str
    libelle: str
    acteur: str
    foyer: int | None
    detail: str


@dataclass(frozen=True)
class Page:
    lignes: list[Ligne]
    numero: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAR_PAGE))


def _debut(jour: date) -> datetime:
    return datetime.combine(jour, time.min, FUSEAU).astimezone(UTC)


def _acteur(compte: Compte | None) -> str:
    if compte is None:
        return "—"
    if compte.role in comptes.ROLES_DU_PERSONNEL:
        role = "administrateur" if compte.role == "admin" else "agent"
        return f"{compte.identifiant or compte.email} ({role})"
    return f"Famille, compte n° {compte.id}"


def lire(filtres: Filtres, numero: int = 1) -> Page:
    """One page of the events these filters select, newest first."""
    conditions = []
    if filtres.du:
        conditions.append(Evenement.quand >= _debut(filtres.du))
    if filtres.au:
        conditions.append(Evenement.quand < _debut(filtres.au + timedelta(days=1)))
    if filtres.acteur_id:
        conditions.append(Evenement.compte_id == filtres.acteur_id)
    if filtres.type_:
        conditions.append(Evenement.type == filtres.type_)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Evenement)
                              .where(*conditions))
    numero = max(1, min(numero, max(1, -(-total // PAR_PAGE))))
    evenements = db.session.scalars(
        sa.select(Evenement).where(*conditions)
        .options(sa.orm.joinedload(Evenement.compte))
        .order_by(Evenement.quand.desc(), Evenement.id.desc())
        .offset((numero - 1) * PAR_PAGE).limit(PAR_PAGE))
    return Page([Ligne(e.quand, e.type, libelle(e.type), _acteur(e.compte), e.famille_id,
                       e.detail) for e in evenements], numero, total)


def acteurs() -> list[tuple[int, str]]:
    """The staff accounts an admin may filter on, as (id, label)."""
    return [(compte.id, _acteur(compte)) for compte in db.session.scalars(
        sa.select(Compte).where(Compte.role.in_(comptes.ROLES_DU_PERSONNEL))
        .order_by(sa.func.coalesce(Compte.identifiant, Compte.email)))]
