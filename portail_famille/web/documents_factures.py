"""An invoice and a credit note as the PDF the family and the agent both download: the commune's
header and billing settings, the file named after the document's number."""

from portail_famille.models import Avoir
from portail_famille.models import Facture
from portail_famille.services import pdf_factures
from portail_famille.web import contexte
from portail_famille.web import envoi_de_document


def facture(choisie: Facture):
    return envoi_de_document.reponse(
        pdf_factures.produire(choisie, contexte.grille().commune,
                              contexte.calendrier().facturation),
        "application/pdf", f"facture-{choisie.numero}", en_ligne=False)


def avoir(choisi: Avoir):
    return envoi_de_document.reponse(
        pdf_factures.produire_avoir(choisi, contexte.grille().commune,
                                    contexte.calendrier().facturation),
        "application/pdf", f"avoir-{choisi.numero}", en_ligne=False)
