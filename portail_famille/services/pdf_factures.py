"""An issued invoice as a PDF in French (fpdf2): the commune and its address, the number, the
household, the lines with their explanation, the total, the due date and how to pay; a credit
note on it, and the childcare tax certificate, on the same header.

The PDF uses the core Helvetica font, so it needs no font file on the server (the portal runs
on platforms whose disk is rebuilt at each deploy); that font knows Latin-1 only, hence the
few typographic characters rewritten below (`€` is written « EUR »)."""

from datetime import date
from datetime import datetime

from fpdf import FPDF

from portail_famille.domaine import francais
from portail_famille.domaine import recherche
from portail_famille.domaine.calendrier_scolaire import Facturation
from portail_famille.models import Avoir
from portail_famille.models import Facture
from portail_famille.services.attestation_garde import Attestation

_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-",
                         "…": "...", "œ": "oe", "Œ": "OE", "€": "EUR",
                         francais.ESPACE_FINE: " ", "−": "-"})
COLONNES = (("Enfant", 42), ("Service", 38), ("Jours", 14), ("Prix unitaire", 28),
            ("Montant", 28), ("", 0))


def _texte(valeur: str) -> str:
    return valeur.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _euros(montant) -> str:
    return _texte(francais.euros(montant))


def _document(titre: str, entete: str, commune: str, reglages: Facturation) -> FPDF:
    """An A4 page headed by the commune, its address and `entete`, in the body font."""
    pdf = FPDF(format="A4")
    pdf.set_title(_texte(titre))
    pdf.set_author(_texte(f"Commune de {commune}"))
    pdf.set_lang("fr")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 8, _texte(f"Commune de {commune}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    if reglages.adresse:
        pdf.multi_cell(0, 5, _texte(reglages.adresse), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 9, _texte(entete), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    return pdf


def produire(facture: Facture, commune: str, reglages: Facturation) -> bytes:
    """The PDF of an issued invoice."""
    pdf = _document(f"Facture {facture.numero}", f"Facture n° {facture.numero}", commune,
                    reglages)
    mois = facture.campagne.mois
    for ligne in (f"Services du mois de {francais.MOIS[mois.month - 1]} {mois.year}",
                  f"Émise le {francais.date_courte(_jour(facture.emise_le))}",
                  f"À payer au plus tard le {francais.date_courte(facture.echeance)}"):
        pdf.cell(0, 5, _texte(ligne), new_x="LMARGIN", new_y="NEXT")
    _foyer(pdf, facture)
    _lignes(pdf, facture)
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(0, 6, _texte("Comment payer"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, _texte(
        f"{reglages.paiement or 'Adressez-vous à la mairie.'} Référence à rappeler : "
        f"{facture.numero}."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def produire_avoir(avoir: Avoir, commune: str, reglages: Facturation) -> bytes:
    """The PDF of a credit note: its number and date, the invoice it corrects, the amount and
    the reason."""
    facture = avoir.facture
    pdf = _document(f"Avoir {avoir.numero}", f"Avoir n° {avoir.numero}", commune, reglages)
    mois = facture.campagne.mois
    for ligne in (f"Émis le {francais.date_courte(_jour(avoir.emis_le))}",
                  f"Sur la facture n° {facture.numero} des services de "
                  f"{francais.mois_annee(mois)}, émise le "
                  f"{francais.date_courte(_jour(facture.emise_le))}"):
        pdf.cell(0, 5, _texte(ligne), new_x="LMARGIN", new_y="NEXT")
    _foyer(pdf, facture)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(0, 6, _texte("Motif"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, _texte(avoir.motif), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(122, 8, _texte("Montant de l’avoir"), border="T")
    pdf.cell(28, 8, _euros(avoir.montant), border="T", align="R", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", size=10)
    # A credit note never changes the invoice (README, « La facturation mensuelle »).
    pdf.multi_cell(0, 5, _texte(
        f"Ce montant est déduit de la somme due sur la facture n° {facture.numero}, qui reste "
        "telle qu’elle a été émise ; si elle est déjà payée, la régie de la mairie vous "
        "rembourse ce qui a été payé en trop."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _jour(instant: datetime) -> date:
    return instant.astimezone(francais.PARIS).date()


def _foyer(pdf: FPDF, facture: Facture) -> None:
    """The household billed, as the invoice names it, and its file number."""
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(0, 5, _texte(facture.destinataire or "Le foyer"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 5, _texte(facture.adresse), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _texte(f"Dossier n° {recherche.formater_numero(facture.famille_id)}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _lignes(pdf: FPDF, facture: Facture) -> None:
    pdf.set_font("helvetica", "B", 9)
    for titre, largeur in COLONNES[:-1]:
        pdf.cell(largeur, 7, _texte(titre), border="B",
                 align="R" if titre in ("Jours", "Prix unitaire", "Montant") else "L")
    pdf.ln()
    for ligne in facture.lignes:
        pdf.set_font("helvetica", size=9)
        valeurs = (ligne.enfant, ligne.libelle_service, str(ligne.quantite),
                   _euros(ligne.prix_unitaire), _euros(ligne.montant))
        for (_, largeur), valeur, droite in zip(COLONNES, valeurs,
                                                 (False, False, True, True, True), strict=False):
            pdf.cell(largeur, 6, _texte(valeur)[:40], align="R" if droite else "L")
        pdf.ln()
        pdf.set_font("helvetica", size=8)
        jours = ", ".join(francais.date_courte(jour)[:5] for jour in ligne.liste_jours)
        pdf.multi_cell(0, 4, _texte(f"{ligne.libelle_motif.capitalize()} : {jours}. "
                                    f"Tarif : {francais.nombres_fr(ligne.explication)}."),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(122, 8, _texte("Total à payer"), border="T")
    pdf.cell(28, 8, _euros(facture.total), border="T", align="R", new_x="LMARGIN",
             new_y="NEXT")


def produire_attestation(attestation: Attestation, famille_id: int, destinataire: str,
                         commune: str, reglages: Facturation) -> bytes:
    """The childcare tax certificate of a year (CGI art. 200 quater B) as a PDF."""
    annee = attestation.annee
    pdf = _document(f"Attestation de frais de garde {annee}",
                    f"Attestation de frais de garde – année {annee}", commune, reglages)
    pdf.ln(2)
    pdf.multi_cell(0, 5, _texte(
        f"La commune de {commune} atteste que le foyer {destinataire or ''} (dossier n° "
        f"{recherche.formater_numero(famille_id)}) a versé en {annee} les sommes ci-dessous pour "
        f"la garde hors du domicile de ses enfants âgés de moins de six ans au 1er janvier "
        f"{annee} (article 200 quater B du code général des impôts). Les repas sont exclus."),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(90, 7, _texte("Enfant"), border="B")
    pdf.cell(40, 7, _texte("Né(e) le"), border="B")
    pdf.cell(40, 7, _texte("Sommes versées"), border="B", align="R", new_x="LMARGIN",
             new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    if not attestation.enfants:
        pdf.cell(0, 6, _texte(f"Aucune somme versée en {annee} n’ouvre droit au crédit d’impôt."),
                 new_x="LMARGIN", new_y="NEXT")
    for enfant in attestation.enfants:
        pdf.cell(90, 6, _texte(enfant.nom)[:45])
        pdf.cell(40, 6, _texte(francais.date_courte(enfant.naissance)))
        pdf.cell(40, 6, _euros(enfant.montant), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(130, 8, _texte("Total"), border="T")
    pdf.cell(40, 8, _euros(attestation.total), border="T", align="R", new_x="LMARGIN",
             new_y="NEXT")
    return bytes(pdf.output())
