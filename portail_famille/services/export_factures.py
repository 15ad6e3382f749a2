"""The docket of a campaign's invoices for the finance software (issue 13 §8), from which it
issues the titles of receipt: CSV (`;`, UTF-8 with BOM, French decimals, as spreadsheets in
French read it) and XLSX."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from portail_famille.domaine import francais
from portail_famille.domaine import recherche
from portail_famille.models import CampagneFacturation
from portail_famille.models import Facture

COLONNES = ("Numéro", "Date d’émission", "Échéance", "Mois", "Dossier", "Débiteur", "Adresse",
            "Nombre de lignes", "Montant TTC")


def _rangees(campagne: CampagneFacturation, factures: list[Facture]):
    mois = f"{campagne.mois:%m/%Y}"
    for facture in factures:
        if facture.numero is None:
            continue
        yield (facture.numero, facture.emise_le.date(), facture.echeance, mois,
               recherche.formater_numero(facture.famille_id), facture.destinataire,
               facture.adresse, len(facture.lignes), facture.total)


def _cellule_csv(valeur) -> str:
    if isinstance(valeur, Decimal):
        # No thousands separator: finance software reads « 1234,50 ».
        return format(valeur, "f").replace(".", ",")
    if hasattr(valeur, "strftime"):
        return francais.date_courte(valeur)
    texte = str(valeur)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet (CSV injection).
    return f"'{texte}" if texte[:1] in ("=", "+", "-", "@") else texte


def en_csv(campagne: CampagneFacturation, factures: list[Facture]) -> bytes:
    """The docket as CSV text, UTF-8 with its BOM."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for rangee in _rangees(campagne, factures):
        ecrivain.writerow([_cellule_csv(valeur) for valeur in rangee])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def en_xlsx(campagne: CampagneFacturation, factures: list[Facture]) -> bytes:
    """The docket as an XLSX workbook: amounts as numbers to the cent, dates as dates."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = f"Factures {campagne.mois:%m-%Y}"
    feuille.append(COLONNES)
    for rangee in _rangees(campagne, factures):
        feuille.append([_cellule_csv(v) if isinstance(v, str) else v for v in rangee])
        feuille.cell(feuille.max_row, len(COLONNES)).number_format = "#,##0.00"
        for colonne in (2, 3):
            feuille.cell(feuille.max_row, colonne).number_format = "DD/MM/YYYY"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
