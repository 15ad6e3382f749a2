"""Supporting documents a family uploads for an agent to review."""

from portail_famille.domaine import documents
from portail_famille.domaine import francais
from portail_famille.extensions import db
from portail_famille.models import Justificatif
from portail_famille.services import audit

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
    """Keep a document for an agent to review; raise JustificatifRefuse."""
    if not contenu:
        raise JustificatifRefuse("Le fichier est vide.")
    if len(contenu) > taille_max:
        raise JustificatifRefuse(trop_lourd(taille_max))
    type_mime = documents.type_de_document(contenu)
    if type_mime is None:
        raise JustificatifRefuse("Ce fichier n’est ni un PDF, ni une image JPEG ou PNG.")
    if nature not in NATURES:
        raise JustificatifRefuse("Choisissez le type de document.")
    justificatif = Justificatif(famille_id=famille_id, nature=nature, type_mime=type_mime,
                                taille=len(contenu), contenu=contenu)
    db.session.add(justificatif)
    db.session.flush()
    audit.consigner("justificatif_depose", famille_id=famille_id, detail=type_mime)
    return justificatif
