"""« Mes données »: everything the portal holds on a household, and its deletion requests.

The export is driven by the schema (securite.md G2): every table reachable from `famille`
through foreign keys is exported, row by row and column by column, so a new table or column
is never forgotten. Each such table must also be described in `TABLES` or excluded with its
reason in `EXCLUES`: a test fails on a table that is neither, so someone reviews it.
"""

from datetime import date
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import DemandeSuppression
from portail_famille.models import Evenement
from portail_famille.services import audit

FORMAT = "portail-famille/donnees/1"
# Written by the agents' back office each time an agent opens a family's file (securite.md A5).
TYPE_CONSULTATION = "consultation_agent"

# What each table holds, in the words of the « Mes données » page; in the export's order.
TABLES = {
    "famille": "Votre foyer : adresse, commune de résidence, refus éventuel de transmettre vos "
               "revenus",
    "compte": "Les adultes qui se connectent : identité et courriel transmis par FranceConnect",
    "second_adulte": "Le second adulte du foyer que vous avez déclaré",
    "enfant": "Vos enfants, y compris ceux retirés du foyer après une inscription, gardés "
              "avec l’historique de leurs inscriptions",
    "inscription": "Les inscriptions de vos enfants aux services",
    "historique_inscription": "Chaque changement de ces inscriptions : qui, quand, quoi",
    "quotient_familial": "Vos quotients familiaux et leur provenance : organisme, mode, période, "
                         "date d’obtention, référence de la demande",
    "justificatif": "Les justificatifs de revenus déposés (leur description, pas le fichier)",
    "evenement": "Le journal de votre dossier : connexions, démarches, et consultations par les "
                 "agents de la mairie",
    "demande_suppression": "Vos demandes de suppression de compte",
    "contestation_residence": "Vos demandes à la mairie de vérifier votre commune de résidence",
    "renouvellement": "Le renouvellement annuel de votre quotient familial par la mairie, "
                      "si vous l’avez accepté : quand, et avec quel résultat",
    "reservation": "Les jours réservés ou annulés pour vos enfants à chaque service, et qui l’a "
                   "décidé (l’inscription ou vous)",
    "pointage": "Les présences et absences de vos enfants relevées par les agents",
    "courriel": "Les courriels que le portail vous a envoyés (ou va vous envoyer), avec leur "
                "texte",
    "tarif_decide": "Les tarifs fixés par la mairie hors de la grille (par exemple sur décision "
                    "du CCAS) : pour quel enfant et quel service, quel prix, pourquoi et "
                    "jusqu’à quand",
    "facture": "Vos factures mensuelles émises : numéro, montant, échéance, destinataire",
    "ligne_facture": "Le détail de chaque facture : enfant, service, jours facturés, prix et "
                     "son explication",
    "avoir": "Les avoirs de la mairie sur vos factures : numéro, montant et motif",
    "encaissement": "Les paiements de vos factures reçus au guichet de la régie : montant, "
                    "moyen (chèque, espèces), numéro du chèque ou du reçu, date, et leur "
                    "annulation éventuelle",
    "operation_paiement": "Vos paiements en ligne par PayFiP : la facture, le montant, la "
                          "date, le numéro d’opération de la DGFiP, le résultat (payé, refusé, "
                          "annulé) et le numéro d’autorisation",
}
# Linked tables left out of the export, and why.
EXCLUES = {
    "session_serveur": "sessions de connexion en cours : données techniques de quelques heures, "
                       "qui contiennent des jetons de sécurité",
    "code_secours": "codes de secours de la double authentification du personnel de la "
                    "mairie : aucun compte de famille n’en a",
    "campagne_facturation": "campagnes de facturation de la mairie : le mois et qui l’a "
                            "calculée et émise ; aucune donnée d’un foyer",
    "tache": "tâches de fond (campagnes, purges, recherches de quotient différées) : leur "
             "avancement et, pour une recherche différée, le seul numéro du foyer ; aucune de "
             "ses données, gardées 90 jours au plus",
}
# Columns left out of the export, and why.
COLONNES_EXCLUES = {
    ("justificatif", "contenu"): "le fichier déposé lui-même",
    ("compte", "mot_de_passe"): "réservé aux comptes du personnel de la mairie",
    ("compte", "totp_secret"): "réservé aux comptes du personnel de la mairie",
    ("compte", "totp_active_le"): "réservé aux comptes du personnel de la mairie",
    ("compte", "totp_dernier_pas"): "réservé aux comptes du personnel de la mairie",
}
ROLES_DU_PERSONNEL = {"agent": "agent de la mairie", "admin": "administrateur du portail"}


def tables_liees(metadata: sa.MetaData) -> dict[str, list[tuple[sa.Column, str]]]:
    """Each table reachable from `famille` through foreign keys (excluded tables end the
    walk), with its foreign-key columns that point to another linked table."""
    liees = {"famille"}
    ajoutee = True
    while ajoutee:
        ajoutee = False
        for table in metadata.sorted_tables:
            if table.name not in liees and any(
                    fk.column.table.name in liees - EXCLUES.keys() for fk in table.foreign_keys):
                liees.add(table.name)
                ajoutee = True
    return {nom: [(fk.parent, fk.column.table.name) for fk in metadata.tables[nom].foreign_keys
                  if fk.column.table.name in liees - EXCLUES.keys()]
            for nom in sorted(liees, key=_ordre)}


def _ordre(nom: str) -> tuple[int, str]:
    return (list(TABLES).index(nom) if nom in TABLES else len(TABLES), nom)


def tables_non_couvertes(metadata: sa.MetaData) -> set[str]:
    """The linked tables neither described in TABLES nor excluded in EXCLUES: must be empty."""
    return set(tables_liees(metadata)) - TABLES.keys() - EXCLUES.keys()


def _selectionner(metadata: sa.MetaData,
                  famille_id: int) -> tuple[dict[str, list], dict[str, set]]:
    """The household's rows of every linked table, and their primary keys, found by following
    the foreign keys until nothing new turns up."""
    liees = {nom: liens for nom, liens in tables_liees(metadata).items() if nom not in EXCLUES}
    identifiants: dict[str, set] = {"famille": {famille_id}}
    lignes: dict[str, list] = {nom: [] for nom in liees}
    taille = None
    while taille != sum(map(len, identifiants.values())):
        taille = sum(map(len, identifiants.values()))
        for nom, liens in liees.items():
            table = metadata.tables[nom]
            cle = next(iter(table.primary_key.columns))
            if nom == "famille":
                condition = cle == famille_id
            else:
                conditions = [colonne.in_(identifiants[vers]) for colonne, vers in liens
                              if identifiants.get(vers)]
                if not conditions:
                    continue
                condition = sa.or_(*conditions)
            lignes[nom] = list(db.session.execute(
                sa.select(table).where(condition).order_by(cle)).mappings())
            identifiants[nom] = {ligne[cle.name] for ligne in lignes[nom]}
    return lignes, identifiants


def _valeur(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, datetime | date):
        return valeur.isoformat()
    if isinstance(valeur, bytes):
        return {"octets": len(valeur)}
    return valeur


def exporter(famille_id: int, maintenant_: datetime, metadata: sa.MetaData | None = None) -> dict:
    """Every row held on the household, as plain JSON values (amounts as text, ISO dates).

    A foreign key to someone outside the household (an agent who checked a document or opened
    the file) shows that person's role, never who they are.
    """
    metadata = metadata if metadata is not None else db.metadata
    lignes, identifiants = _selectionner(metadata, famille_id)
    roles = dict(db.session.execute(sa.select(Compte.id, Compte.role).where(
        Compte.role.in_(ROLES_DU_PERSONNEL))).all())
    liens = tables_liees(metadata)
    tables = {}
    for nom, rangees in lignes.items():
        vers = {colonne.name: cible for colonne, cible in liens[nom]}
        tables[nom] = {"description": TABLES.get(nom, nom), "lignes": [
            {colonne: _reference(valeur, vers.get(colonne), identifiants, roles)
             for colonne, valeur in rangee.items() if (nom, colonne) not in COLONNES_EXCLUES}
            for rangee in rangees]}
    return {"format": FORMAT, "genere_le": maintenant_.isoformat(), "tables": tables}


def _reference(valeur, cible: str | None, identifiants: dict[str, set], roles: dict[int, str]):
    if cible is None or valeur is None or valeur in identifiants.get(cible, ()):
        return _valeur(valeur)
    return ROLES_DU_PERSONNEL.get(roles.get(valeur)) if cible == "compte" else None


def resumer(export: dict) -> list[tuple[str, int]]:
    """Each table of an export as (what it holds, how many rows), for the « Mes données » page."""
    return [(table["description"], len(table["lignes"])) for table in export["tables"].values()]


def lister_consultations(famille_id: int) -> list[Evenement]:
    """The times agents opened the household's file, most recent first."""
    return list(db.session.scalars(
        sa.select(Evenement).where(Evenement.famille_id == famille_id,
                                   Evenement.type == TYPE_CONSULTATION)
        .order_by(Evenement.quand.desc(), Evenement.id.desc())))


def trouver_demande_en_cours(famille_id: int) -> DemandeSuppression | None:
    """The household's deletion request not yet processed, if any."""
    return db.session.scalars(
        sa.select(DemandeSuppression).where(DemandeSuppression.famille_id == famille_id,
                                            DemandeSuppression.statut == "a_traiter")).first()


def demander_suppression(famille_id: int, auteur: Compte, precisions: str) -> DemandeSuppression:
    """Record the request for the town hall (the caller checks none is pending)."""
    demande = DemandeSuppression(famille_id=famille_id, compte_id=auteur.id,
                                 precisions=precisions)
    db.session.add(demande)
    db.session.flush()
    audit.consigner("demande_suppression", compte_id=auteur.id, famille_id=famille_id)
    return demande
