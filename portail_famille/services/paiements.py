"""Online payment of an invoice through PayFiP (issue 13 point 6, payfip.md).

The invoice side calls `demarrer_paiement` and redirects the browser to the address it returns;
the row of the operation, with its idOp, is flushed before (the view commits, then redirects).
PayFiP's notification and the browser's return are hints only: `verifier` asks PayFiP's
detail call, compares it with what was asked (refdet, exer, amount, client number) and changes
the state once, whatever the number of notifications, returns and polls. The amount of a
payment is the one stored when it started, never one read from a request.
"""

import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from decimal import InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portail_famille.connecteurs import exceptions
from portail_famille.connecteurs.payfip import ClientPayFiP
from portail_famille.connecteurs.payfip import DetailPaiement
from portail_famille.connecteurs.payfip import id_op_valide
from portail_famille.domaine.montants import arrondir
from portail_famille.extensions import db
from portail_famille.models import OperationPaiement
from portail_famille.models import maintenant
from portail_famille.services import audit

journal = logging.getLogger(__name__)

# The portal's addresses given to PayFiP; the public blueprint serves them under these paths.
CHEMIN_NOTIFICATION = "/paiements/payfip/notification"
CHEMIN_RETOUR = "/paiements/payfip/retour/<reference>"

# payfip.md: an idOp is valid 15 minutes, and the detail call may answer « pending » for about
# 2 hours; past that margin a payment that never ended is taken as abandoned.
VALIDITE_ID_OP = timedelta(minutes=15)
ATTENTE_MAXIMALE = timedelta(hours=2, minutes=15)

_NON_PAYFIP = re.compile(r"[^A-Za-z0-9 ]+")
_ETAT_PAR_RESULTAT = {"P": "payee", "V": "payee", "R": "refusee", "Z": "refusee",
                      "A": "annulee"}
_EVENEMENT_PAR_ETAT = {"payee": "paiement_recu", "refusee": "paiement_refuse",
                       "annulee": "paiement_annule"}

# What the invoice side does when one of its invoices is paid (registered with
# `quand_une_facture_est_payee`): called once per paid operation, in the same transaction.
_A_LA_RECEPTION: list[Callable[[OperationPaiement], None]] = []


class PaiementImpossible(Exception):
    """The payment cannot start; the message is for the family, nothing was stored. `champ`
    names the PayFiP field at fault, if one is."""

    def __init__(self, message: str, champ: str | None = None):
        super().__init__(message)
        self.champ = champ


def quand_une_facture_est_payee(fonction: Callable[[OperationPaiement], None]):
    """Register `fonction(operation)`, called once when an operation becomes « payee »."""
    _A_LA_RECEPTION.append(fonction)
    return fonction


def objet_payfip(texte: str) -> str:
    """`texte` as PayFiP's `objet` allows it: ASCII letters, digits and spaces, 100 at most
    (« Facture n° 2026-0012 – cantine » → « Facture n 2026 0012 cantine »)."""
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte)
                           if not unicodedata.combining(c))
    return " ".join(_NON_PAYFIP.sub(" ", sans_accents).split())[:100].rstrip()


def adresse_de_retour(portail_url: str, reference: str) -> str:
    return portail_url + CHEMIN_RETOUR.replace("<reference>", reference)


def demarrer_paiement(client: ClientPayFiP | None, portail_url: str, *, facture_id: int,
                      famille_id: int, refdet: str, exer: int, montant: Decimal,
                      courriel: str, objet: str) -> str:
    """The PayFiP page where the household pays `montant` for invoice `facture_id`; the
    operation is flushed with its idOp first. Raise PaiementImpossible (French message) when
    online payment is off, a field is refused, the invoice is paid or being paid, or PayFiP
    does not answer."""
    if client is None:
        raise PaiementImpossible("Le paiement en ligne n’est pas proposé par la commune.")
    centimes = _centimes(montant)
    _refuser_si_deja_en_cours(client, facture_id)
    reference = secrets.token_hex(16)
    try:
        id_op = client.creer_paiement_securise(
            exer=exer, refdet=refdet, montant_centimes=centimes, mel=courriel,
            objet=objet_payfip(objet), urlnotif=portail_url + CHEMIN_NOTIFICATION,
            urlredirect=adresse_de_retour(portail_url, reference))
    except exceptions.ChampDePaiementInvalide as refus:
        raise PaiementImpossible(str(refus), refus.champ) from None
    except exceptions.ErreurAPI as erreur:
        journal.warning("paiement de la facture %s impossible : %s", facture_id,
                        type(erreur).__name__)
        raise PaiementImpossible(
            "Le service de paiement en ligne de la DGFiP ne répond pas pour le moment : rien "
            "n’a été payé. Réessayez dans quelques minutes.") from None
    operation = OperationPaiement(reference=reference, id_op=id_op, facture_id=facture_id,
                                  famille_id=famille_id, refdet=refdet, exer=exer,
                                  montant_centimes=centimes)
    db.session.add(operation)
    db.session.flush()
    audit.consigner("paiement_demarre", famille_id=famille_id,
                    detail=f"facture {facture_id}, idOp {id_op}, {_euros(centimes)}")
    return client.url_de_paiement(id_op)


def traiter_notification(client: ClientPayFiP | None, id_op: object) -> OperationPaiement | None:
    """The operation PayFiP notifies about, checked with its detail call; None (and no call)
    for an idOp the portal never started or a malformed one."""
    if client is None or not id_op_valide(id_op):
        return None
    operation = db.session.scalars(
        sa.select(OperationPaiement).where(OperationPaiement.id_op == id_op)).first()
    return None if operation is None else verifier(client, operation)


def operation_de_la_famille(reference: str, famille_id: int) -> OperationPaiement | None:
    """The household's operation under `reference` (the return address), else None."""
    return db.session.scalars(sa.select(OperationPaiement).where(
        OperationPaiement.reference == reference,
        OperationPaiement.famille_id == famille_id)).first()


def operations_de_la_famille(famille_id: int) -> list[OperationPaiement]:
    """The household's operations, however they ended, the latest first, with their invoice."""
    return list(db.session.scalars(
        sa.select(OperationPaiement).where(OperationPaiement.famille_id == famille_id)
        .order_by(OperationPaiement.cree_le.desc(), OperationPaiement.id.desc())
        .options(selectinload(OperationPaiement.facture))))


def en_attente() -> list[OperationPaiement]:
    """The operations whose end is not known yet, oldest first (the poll job's list)."""
    return list(db.session.scalars(sa.select(OperationPaiement).where(
        OperationPaiement.etat == "en_attente").order_by(OperationPaiement.id)))


def montant_paye(facture_id: int) -> Decimal:
    """What was paid online for invoice `facture_id` (0.00 when nothing)."""
    centimes = db.session.scalar(sa.select(sa.func.coalesce(
        sa.func.sum(OperationPaiement.montant_centimes), 0)).where(
        OperationPaiement.facture_id == facture_id, OperationPaiement.etat == "payee"))
    return Decimal(int(centimes)) / 100


def payes_de_la_facture(facture_id: int) -> list[OperationPaiement]:
    """The online payments PayFiP confirmed for the invoice, oldest first."""
    return list(db.session.scalars(sa.select(OperationPaiement).where(
        OperationPaiement.facture_id == facture_id, OperationPaiement.etat == "payee")
        .order_by(OperationPaiement.id)))


def payes_par_famille(familles: list[int] | None = None) -> dict[int, Decimal]:
    """What each household paid online, all invoices together (for the balances)."""
    requete = (sa.select(OperationPaiement.famille_id,
                         sa.func.sum(OperationPaiement.montant_centimes))
               .where(OperationPaiement.etat == "payee").group_by(OperationPaiement.famille_id))
    if familles is not None:
        requete = requete.where(OperationPaiement.famille_id.in_(familles))
    return {famille_id: Decimal(int(centimes)) / 100
            for famille_id, centimes in db.session.execute(requete)}


def verifier(client: ClientPayFiP | None, operation: OperationPaiement) -> OperationPaiement:
    """Ask PayFiP how `operation` ended and record it once; an ended operation is returned as it
    is, without a call. A pending answer or an unavailable service leaves it en_attente (the
    poll job asks again) until ATTENTE_MAXIMALE."""
    if operation.etat != "en_attente" or client is None:
        return operation
    instant = maintenant()
    try:
        detail = client.recuperer_detail_paiement_securise(operation.id_op)
    except exceptions.PaiementEnAttente:
        operation.verifie_le = instant
        if instant - operation.cree_le > ATTENTE_MAXIMALE:
            _terminer(operation, "annulee", None, "paiement_expire",
                      "toujours en attente chez PayFiP après 2 h 15")
        return operation
    except exceptions.OperationInconnue:
        # After PayFiP's nightly purge: the payment never ended while the portal watched it.
        _terminer(operation, "annulee", None, "paiement_introuvable", "idOp inconnu de PayFiP")
        return operation
    except exceptions.ErreurAPI as erreur:
        operation.verifie_le = instant
        journal.warning("paiement %s non vérifié : %s", operation.id, type(erreur).__name__)
        return operation
    ecarts = _ecarts(operation, detail, client.numcli)
    if ecarts:
        # Not this invoice's payment as it was asked: never counted as paid; the régie checks.
        _terminer(operation, "refusee", detail, "paiement_discordant", "écart sur " + ecarts)
        return operation
    etat = _ETAT_PAR_RESULTAT[detail.resultrans]
    if _terminer(operation, etat, detail, _EVENEMENT_PAR_ETAT[etat], _moyen(detail)) \
            and etat == "payee":
        _apres_reception(operation)
    return operation


def _terminer(operation: OperationPaiement, etat: str, detail: DetailPaiement | None,
              evenement: str, precision: str) -> bool:
    """Move `operation` from en_attente to `etat`, audited; False when another request or
    worker did it first (the row's state is then theirs)."""
    instant = maintenant()
    valeurs = {"etat": etat, "verifie_le": instant, "termine_le": instant}
    if detail is not None:
        valeurs |= {"resultrans": detail.resultrans, "numauto": detail.numauto[:16] or None}
    # One conditional UPDATE: of two notifications checked at once, one changes the row.
    change = db.session.execute(
        sa.update(OperationPaiement)
        .where(OperationPaiement.id == operation.id, OperationPaiement.etat == "en_attente")
        .values(**valeurs).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(operation)
    if change:
        audit.consigner(evenement, famille_id=operation.famille_id, detail=(
            f"facture {operation.facture_id}, idOp {operation.id_op}, "
            f"{_euros(operation.montant_centimes)} : {precision}"))
    return bool(change)


def _apres_reception(operation: OperationPaiement) -> None:
    autres = db.session.scalar(sa.select(sa.func.count()).where(
        OperationPaiement.facture_id == operation.facture_id,
        OperationPaiement.etat == "payee", OperationPaiement.id != operation.id))
    if autres:
        # Two attempts both paid (the first one's end came late): the régie refunds one.
        audit.consigner("paiement_en_double", famille_id=operation.famille_id,
                        detail=f"facture {operation.facture_id}, idOp {operation.id_op}")
    for fonction in _A_LA_RECEPTION:
        fonction(operation)


def _refuser_si_deja_en_cours(client: ClientPayFiP, facture_id: int) -> None:
    """No second payment of an invoice paid, or whose attempt may still end (its idOp valid)."""
    operations = db.session.scalars(sa.select(OperationPaiement).where(
        OperationPaiement.facture_id == facture_id,
        OperationPaiement.etat.in_(("en_attente", "payee")))).all()
    limite = maintenant() - VALIDITE_ID_OP
    for operation in operations:
        verifier(client, operation)
        if operation.etat == "payee":
            raise PaiementImpossible("Cette facture est déjà payée.")
        if operation.etat == "en_attente" and operation.cree_le > limite:
            raise PaiementImpossible(
                "Un paiement de cette facture est en cours de confirmation : attendez quelques "
                "minutes avant d’en commencer un autre.")


def _centimes(montant: Decimal) -> int:
    """`montant` in cents, rounded half-up; PaiementImpossible if not a finite Decimal."""
    try:
        if not isinstance(montant, Decimal) or not montant.is_finite():
            raise InvalidOperation
        return int(arrondir(montant) * 100)
    except InvalidOperation:
        raise PaiementImpossible("Le montant à payer est invalide.", "montant") from None


def _ecarts(operation: OperationPaiement, detail: DetailPaiement, numcli: str) -> str:
    """The fields where the detail differs from what the portal asked, comma-separated."""
    attendus = {"refdet": (operation.refdet, detail.refdet), "exer": (operation.exer, detail.exer),
                "montant": (operation.montant_centimes, detail.montant_centimes),
                "numcli": (numcli, detail.numcli)}
    return ", ".join(f"{nom} (attendu {attendu}, reçu {recu})"
                     for nom, (attendu, recu) in attendus.items() if attendu != recu)


def _moyen(detail: DetailPaiement) -> str:
    return {"P": "carte", "V": "prélèvement", "R": "carte refusée",
            "Z": "prélèvement refusé", "A": "annulé par le payeur"}[detail.resultrans]


def _euros(centimes: int) -> str:
    return f"{centimes // 100},{centimes % 100:02d} €"
