"""What a campaign gives the finance software (issue 13 §8): the docket of its invoices, from
which it issues the titles of receipt, and the payments received on them, for reconciliation
(online through PayFiP, and at the régie's counter). CSV (`;`, UTF-8 with BOM, French
decimals, as spreadsheets in French read it) and XLSX."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import Workbook

from portail_famille.domaine import francais
from portail_famille.domaine import recherche
from portail_famille.extensions import db
from portail_famille.models import CampagneFacturation
from portail_famille.models import Encaissement
from portail_famille.models import Facture
from portail_famille.models import OperationPaiement

COLONNES = ("Numéro", "Date d’émission", "Échéance", "Mois", "Dossier", "Débiteur", "Adresse",
            "Nombre de lignes", "Montant TTC")
COLONNES_PAIEMENTS = ("Facture", "Dossier", "Débiteur", "Reçu le", "Moyen", "Référence",
                      "Montant")
MOYEN_EN_LIGNE = "En ligne (PayFiP)"


@dataclass(frozen=True)
class PaiementRecu:
    facture: str
    famille_id: int
    debiteur: str
    le: date
    moyen: str
    reference: str  # PayFiP's authorisation number, the cheque's or the receipt's number
    montant: Decimal


def _rangees(campagne: CampagneFacturation, factures: list[Facture]):
    mois = f"{campagne.mois:%m/%Y}"
    for facture in factures:
        if facture.numero is None:
            continue
        yield (facture.numero, facture.emise_le.date(), facture.echeance, mois,
               recherche.formater_numero(facture.famille_id), facture.destinataire,
               facture.adresse, len(facture.lignes), facture.total)


def paiements_recus(campagne: CampagneFacturation, zone) -> list[PaiementRecu]:
    """The payments received on the campaign's invoices, cancelled counter entries left out,
    by day (in the commune's time zone `zone`) then invoice."""
    factures = (Facture.numero, Facture.famille_id, Facture.destinataire)
    recus = [PaiementRecu(numero, famille_id, destinataire,
                          operation.paye_le.astimezone(zone).date(), MOYEN_EN_LIGNE,
                          operation.numauto or "", operation.montant)
             for numero, famille_id, destinataire, operation in db.session.execute(
                 sa.select(*factures, OperationPaiement)
                 .join(Facture, Facture.id == OperationPaiement.facture_id)
                 .where(Facture.campagne_id == campagne.id,
                        OperationPaiement.etat == "payee"))]
    recus += [PaiementRecu(numero, famille_id, destinataire, recu.recu_le,
                           f"{recu.libelle_mode} au guichet", recu.reference, recu.montant)
              for numero, famille_id, destinataire, recu in db.session.execute(
                  sa.select(*factures, Encaissement).join(Facture)
                  .where(Facture.campagne_id == campagne.id, Encaissement.annule_le.is_(None)))]
    return sorted(recus, key=lambda r: (r.le, r.facture))


def _rangees_paiements(recus: list[PaiementRecu]):
    for recu in recus:
        yield (recu.facture, recherche.formater_numero(recu.famille_id), recu.debiteur, recu.le,
               recu.moyen, recu.reference, recu.montant)


def _cellule_csv(valeur) -> str:
    if isinstance(valeur, Decimal):
        # No thousands separator: finance software reads « 1234,50 ».
        return format(valeur, "f").replace(".", ",")
    if hasattr(valeur, "strftime"):
        return francais.date_courte(valeur)
    texte = str(valeur)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet (CSV injection).
    return f"'{texte}" if texte[:1] in ("=", "+", "-", "@") else texte


def _csv(colonnes: tuple[str, ...], rangees) -> bytes:
    """CSV text, UTF-8 with its BOM."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(colonnes)
    for rangee in rangees:
        ecrivain.writerow([_cellule_csv(valeur) for valeur in rangee])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def _xlsx(titre: str, colonnes: tuple[str, ...], rangees) -> bytes:
    """An XLSX workbook: amounts as numbers to the cent, dates as dates."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = titre
    feuille.append(colonnes)
    for rangee in rangees:
        feuille.append([_cellule_csv(v) if isinstance(v, str) else v for v in rangee])
        for colonne, valeur in enumerate(rangee, 1):
            if isinstance(valeur, Decimal):
                feuille.cell(feuille.max_row, colonne).number_format = "#,##0.00"
            elif isinstance(valeur, date):
                feuille.cell(feuille.max_row, colonne).number_format = "DD/MM/YYYY"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def en_csv(campagne: CampagneFacturation, factures: list[Facture]) -> bytes:
    """The docket as CSV."""
    return _csv(COLONNES, _rangees(campagne, factures))


def en_xlsx(campagne: CampagneFacturation, factures: list[Facture]) -> bytes:
    """The docket as an XLSX workbook."""
    return _xlsx(f"Factures {campagne.mois:%m-%Y}", COLONNES, _rangees(campagne, factures))


def paiements_en_csv(campagne: CampagneFacturation, recus: list[PaiementRecu]) -> bytes:
    return _csv(COLONNES_PAIEMENTS, _rangees_paiements(recus))


def paiements_en_xlsx(campagne: CampagneFacturation, recus: list[PaiementRecu]) -> bytes:
    return _xlsx(f"Paiements {campagne.mois:%m-%Y}", COLONNES_PAIEMENTS,
                 _rangees_paiements(recus))
