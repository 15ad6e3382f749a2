"""Supporting documents a family uploads for an agent to review."""

from portail_famille.domaine import francais
from portail_famille.extensions import db
from portail_famille.models import Justificatif
from portail_famille.services import audit
from portail_famille.services import controle_documents

NATURES = {"attestation_caf": "Attestation de quotient familial (CAF ou MSA)",
           "avis_impot": "Avis d’impôt sur le revenu"}


class JustificatifRefuse(ValueError):
    """The uploaded file is not an accepted document; the message says why, in French."""


def trop_lourd(taille_max: int) -> str:
    """Why a file over `taille_max` bytes is refused, and what to send instead."""
    return (f"Le fichier dépasse {francais.taille(taille_max)}. Envoyez une photo moins lourde "
            "ou un PDF.")


def deposer_justificatif(famille_id: int, nature: str, contenu: bytes,
                         taille_max: int) -> Justificatif:
    """Keep a document for an agent to review, as checked (`controle_documents`); raise
    JustificatifRefuse, storing nothing."""
    if not contenu:
        raise JustificatifRefuse("Le fichier est vide.")
    if len(contenu) > taille_max:
        raise JustificatifRefuse(trop_lourd(taille_max))
    if nature not in NATURES:
        raise JustificatifRefuse("Choisissez le type de document.")
    try:
        document = controle_documents.controler(contenu)
    except controle_documents.DocumentRefuse as refus:
        raise JustificatifRefuse(str(refus)) from None
    justificatif = Justificatif(famille_id=famille_id, nature=nature,
                                type_mime=document.type_mime, taille=len(document.contenu),
                                contenu=document.contenu)
    db.session.add(justificatif)
    db.session.flush()
    audit.consigner("justificatif_depose", famille_id=famille_id, detail=document.type_mime)
    return justificatif
