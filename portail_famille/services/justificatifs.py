"""Supporting documents a family uploads for an agent to review, and the agent's decision: a QF
record read from the document, or a refusal with its reason, which the family reads."""

from decimal import Decimal

import sqlalchemy as sa

from portail_famille.domaine import francais
from portail_famille.domaine import quotient as quotient_domaine
from portail_famille.extensions import db
from portail_famille.models import Compte
from portail_famille.models import Justificatif
from portail_famille.models import QuotientFamilial
from portail_famille.models import maintenant
from portail_famille.services import audit
from portail_famille.services import controle_documents
from portail_famille.services import decisions

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


def trouver(justificatif_id: int) -> Justificatif | None:
    """A document by its id (the agents' remit is every household)."""
    return db.session.get(Justificatif, justificatif_id)


def a_verifier() -> list[Justificatif]:
    """The documents waiting for an agent, oldest first."""
    return list(db.session.scalars(sa.select(Justificatif).where(
        Justificatif.statut == "a_verifier").order_by(Justificatif.depose_le, Justificatif.id)))


def lister(famille_id: int) -> list[Justificatif]:
    """Every document the household uploaded and what became of it, most recent first; their
    content is left in the database (the file lists them, the review page shows one)."""
    return list(db.session.scalars(
        sa.select(Justificatif).where(Justificatif.famille_id == famille_id)
        .options(sa.orm.defer(Justificatif.contenu), sa.orm.joinedload(Justificatif.traite_par))
        .order_by(Justificatif.depose_le.desc(), Justificatif.id.desc())))


def dernier_refus(famille_id: int) -> Justificatif | None:
    """The household's latest document, when the town hall refused it (the family reads why)."""
    dernier = db.session.scalars(sa.select(Justificatif).where(
        Justificatif.famille_id == famille_id)
        .order_by(Justificatif.depose_le.desc(), Justificatif.id.desc()).limit(1)).first()
    return dernier if dernier is not None and dernier.statut == "refuse" else None


def accepter(justificatif: Justificatif, agent: Compte, *, qf: Decimal | None = None,
             mois: int | None = None, annee: int | None = None, rfr: Decimal | None = None,
             parts: Decimal | None = None, annrev: int | None = None) -> QuotientFamilial:
    """Accept the document with what the agent read on it: the QF of an attestation and its
    month, or the RFR, tax shares and income year of an avis d'impôt (the QF then computed as
    the tariff does); the new QF record names the agent. Raise decisions.DejaDecide, or
    QuotientIncalculable."""
    if justificatif.nature == "avis_impot":
        valeur = quotient_domaine.quotient_municipal(rfr, parts)
        mois = annee = None
    else:
        valeur, rfr, parts, annrev = quotient_domaine.quotient_retenu(qf), None, None, None
    decisions.trancher(justificatif, "statut", "a_verifier", statut="accepte",
                       traite_par_id=agent.id, traite_le=maintenant(), motif="")
    quotient = QuotientFamilial(
        famille_id=justificatif.famille_id, source="justificatif", mode="justificatif",
        fournisseur="mairie", valeur=valeur, rfr=None if rfr is None else int(rfr),
        parts=None if parts is None else parts.quantize(Decimal("0.01")), annrev=annrev,
        annee=annee, mois=mois, reference=f"justificatif-{justificatif.id}",
        justificatif_id=justificatif.id, valide_par_id=agent.id)
    db.session.add(quotient)
    db.session.flush()
    audit.consigner("justificatif_accepte", compte_id=agent.id,
                    famille_id=justificatif.famille_id, detail=f"justificatif {justificatif.id}")
    return quotient


def refuser(justificatif: Justificatif, agent: Compte, motif: str) -> None:
    """Refuse the document with a reason the family reads; raise decisions.DejaDecide."""
    decisions.trancher(justificatif, "statut", "a_verifier", statut="refuse",
                       traite_par_id=agent.id, traite_le=maintenant(), motif=motif)
    audit.consigner("justificatif_refuse", compte_id=agent.id,
                    famille_id=justificatif.famille_id, detail=f"justificatif {justificatif.id}")
