"""Client of PayFiP's SOAP web service, the DGFiP's online payment of local receipts (payfip.md).

Two operations: `creerPaiementSecurise` gives the idOp of a payment to make, and
`recupererDetailPaiementSecurise` says how it ended. Every field is checked against payfip.md
before the call; the payer's email never reaches a log line (the transport logs the operation,
the status and the fault code only, securite.md E7).
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from urllib.parse import quote
from urllib.parse import urlsplit

import requests

from portail_famille.connecteurs.exceptions import ChampDePaiementInvalide
from portail_famille.connecteurs.exceptions import ErreurAPI
from portail_famille.connecteurs.exceptions import OperationInconnue
from portail_famille.connecteurs.exceptions import PaiementEnAttente
from portail_famille.connecteurs.exceptions import ReponseInvalide
from portail_famille.connecteurs.exceptions import RequeteRefusee
from portail_famille.connecteurs.limiteur import LimiteurLocal
from portail_famille.connecteurs.soap import SOAPIllisible
from portail_famille.connecteurs.soap import enveloppe
from portail_famille.connecteurs.soap import reponse as reponse_soap
from portail_famille.connecteurs.transport import VERSION
from portail_famille.connecteurs.transport import Requete
from portail_famille.connecteurs.transport import Transport

ESPACE = ("http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
          "contrat_paiement_securise/PaiementSecuriseService")
# PAYFIP_URL is the root of both addresses: the service and the payer's payment page.
CHEMIN_SERVICE = "/services/securite"
CHEMIN_PAGE = "/paiementws.web"
CREER = "creerPaiementSecurise"
DETAIL = "recupererDetailPaiementSecurise"

# payfip.md step 1: saisie T test, X activation, W production.
SAISIES = {"T": "test", "X": "activation", "W": "production"}
# payfip.md step 4: how the payment ended.
PAYE_CARTE = "P"
PAYE_PRELEVEMENT = "V"
REFUSE_CARTE = "R"
REFUSE_PRELEVEMENT = "Z"
ANNULE = "A"
PAYES = frozenset({PAYE_CARTE, PAYE_PRELEVEMENT})
REFUSES = frozenset({REFUSE_CARTE, REFUSE_PRELEVEMENT})
RESULTATS = PAYES | REFUSES | {ANNULE}
# payfip.md step 5: the fault codes of the detail call.
DEFAUT_EN_ATTENTE = "P5"
DEFAUT_INCONNU = "P1"

MONTANT_MINIMAL = 100  # 1 €, in cents
MONTANT_MAXIMAL = 10_000_000  # 100 000 €, in cents
_NUMCLI = re.compile(r"[0-9]{6}")
_REFDET = re.compile(r"[A-Za-z0-9]{1,30}")
_OBJET = re.compile(r"[A-Za-z0-9 ]{0,100}")
_MEL = re.compile(r"[^@\s]+@[^@\s]+")
# idOps are opaque; this bounds what the portal accepts from a notification.
_ID_OP = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class DetailPaiement:
    """How a payment ended, as PayFiP's detail call says (the payer's email left out)."""

    id_op: str
    resultrans: str
    numcli: str
    exer: int
    refdet: str
    montant_centimes: int
    numauto: str
    saisie: str
    objet: str = field(repr=False)
    # When PayFiP recorded the end of the payment (Paris time), None when it gives none.
    transaction_le: datetime | None = None

    @property
    def paye(self) -> bool:
        return self.resultrans in PAYES

    @property
    def refuse(self) -> bool:
        return self.resultrans in REFUSES

    @property
    def annule(self) -> bool:
        return self.resultrans == ANNULE


def id_op_valide(id_op: object) -> bool:
    """True when `id_op` has the shape of an idOp (what a notification may carry)."""
    return isinstance(id_op, str) and _ID_OP.fullmatch(id_op) is not None


def verifier_paiement(*, exer: int, refdet: str, montant_centimes: int, mel: str,
                      objet: str, urlnotif: str, urlredirect: str) -> None:
    """Raise ChampDePaiementInvalide, in French, for the first field payfip.md refuses."""
    if isinstance(exer, bool) or not isinstance(exer, int) or not 1000 <= exer <= 9999:
        raise ChampDePaiementInvalide("exer", "L’exercice doit être une année de quatre chiffres.")
    if not isinstance(refdet, str) or not _REFDET.fullmatch(refdet):
        raise ChampDePaiementInvalide(
            "refdet", "La référence de la facture doit compter de 1 à 30 lettres sans accent ou "
                      "chiffres.")
    if (isinstance(montant_centimes, bool) or not isinstance(montant_centimes, int)
            or not MONTANT_MINIMAL <= montant_centimes <= MONTANT_MAXIMAL):
        raise ChampDePaiementInvalide(
            "montant", "Le montant payable en ligne va de 1,00 € à 100 000,00 €.")
    if not isinstance(mel, str) or not 6 <= len(mel) <= 80 or not _MEL.fullmatch(mel):
        raise ChampDePaiementInvalide(
            "mel", "L’adresse électronique doit compter de 6 à 80 caractères, avec un « @ ».")
    if not isinstance(objet, str) or not _OBJET.fullmatch(objet):
        raise ChampDePaiementInvalide(
            "objet", "L’objet du paiement ne peut compter que des lettres sans accent, des "
                     "chiffres et des espaces, 100 au plus.")
    for nom, url in (("urlnotif", urlnotif), ("urlredirect", urlredirect)):
        morceaux = urlsplit(url) if isinstance(url, str) else None
        if morceaux is None or morceaux.scheme not in ("http", "https") or not morceaux.hostname:
            raise ChampDePaiementInvalide(nom, "L’adresse de retour doit être une adresse web.")


class ClientPayFiP:
    """Creates PayFiP payments and reads how they ended; every failure raises an ErreurAPI."""

    def __init__(
        self,
        url: str,
        numcli: str,
        saisie: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (3, 10),
        tentatives: int = 2,
        attendre: Callable[[float], None] = time.sleep,
        horloge: Callable[[], float] = time.time,
        version: str = VERSION,
    ):
        if not _NUMCLI.fullmatch(numcli or ""):
            raise ValueError("le numéro client PayFiP compte 6 chiffres")
        if saisie not in SAISIES:
            raise ValueError("la saisie PayFiP est T (test), X (activation) ou W (production)")
        self._base = url.rstrip("/")
        self._gabarit = urlsplit(self._base).path + CHEMIN_SERVICE
        self.numcli = numcli
        self.saisie = saisie
        self._transport = Transport(
            # No pace is published for PayFiP: each call is made when a payer or the job asks.
            limiteur=LimiteurLocal(1, 1.0, horloge=horloge, attendre=attendre),
            session=session,
            timeout=timeout,
            tentatives=tentatives,
            attendre=attendre,
            horloge=horloge,
            version=version,
        )

    def url_de_paiement(self, id_op: str) -> str:
        """The PayFiP page where the payer's browser goes to pay (payfip.md step 2)."""
        return f"{self._base}{CHEMIN_PAGE}?idop={quote(id_op, safe='')}"

    def creer_paiement_securise(self, *, exer: int, refdet: str, montant_centimes: int,
                                mel: str, objet: str, urlnotif: str, urlredirect: str) -> str:
        """The idOp of a new payment (valid 15 minutes); raise ChampDePaiementInvalide before
        any call, RequeteRefusee when PayFiP refuses it, or another ErreurAPI."""
        verifier_paiement(exer=exer, refdet=refdet, montant_centimes=montant_centimes, mel=mel,
                          objet=objet, urlnotif=urlnotif, urlredirect=urlredirect)
        champs = {"exer": str(exer), "mel": mel, "montant": str(montant_centimes),
                  "numcli": self.numcli, "objet": objet, "refdet": refdet,
                  "saisie": self.saisie, "urlnotif": urlnotif, "urlredirect": urlredirect}
        if not objet:
            del champs["objet"]  # optional at PayFiP, and an empty one is refused
        lu = self._appeler(CREER, champs)
        id_op = lu.get("idOp", "")
        if not id_op_valide(id_op):
            raise ReponseInvalide(status=200, cause="idOp absent")
        return id_op

    def recuperer_detail_paiement_securise(self, id_op: str) -> DetailPaiement:
        """How payment `id_op` ended; raise PaiementEnAttente while it has not, OperationInconnue
        for an idOp PayFiP does not know (any more), or another ErreurAPI."""
        if not id_op_valide(id_op):
            raise ChampDePaiementInvalide("idOp", "Identifiant d’opération PayFiP invalide.")
        lu = self._appeler(DETAIL, {"idOp": id_op})
        try:
            detail = DetailPaiement(
                id_op=lu["idOp"] or id_op,
                resultrans=lu["resultrans"],
                numcli=lu["numcli"],
                exer=int(lu["exer"]),
                refdet=lu["refdet"],
                montant_centimes=int(lu["montant"]),
                numauto=lu.get("numauto", ""),
                saisie=lu.get("saisie", ""),
                objet=lu.get("objet", ""),
                transaction_le=_instant(lu.get("dattrans", ""), lu.get("heurtrans", "")),
            )
        except (KeyError, ValueError):
            raise ReponseInvalide(status=200, cause="détail incomplet") from None
        if detail.resultrans not in RESULTATS or detail.id_op != id_op:
            raise ReponseInvalide(status=200, cause="détail inattendu")
        return detail

    def _appeler(self, operation: str, champs: dict[str, str]) -> dict[str, str]:
        requete = Requete(
            methode="POST",
            url=self._base + CHEMIN_SERVICE,
            gabarit=f"{self._gabarit}#{operation}",
            entetes={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            corps=enveloppe(ESPACE, operation, champs),
        )
        reponse = self._transport.envoyer(requete, _classer)
        try:
            return reponse_soap(reponse.content, operation)
        except SOAPIllisible as exc:
            raise ReponseInvalide(status=200, cause=str(exc)) from None


def _classer(status: int, erreurs: tuple[dict, ...]) -> type[ErreurAPI] | None:
    """A SOAP fault comes with HTTP 500: its PayFiP code says which; a bare technical fault
    (no code) is the service being unavailable."""
    code = erreurs[0]["code"] if erreurs else None
    if code == DEFAUT_EN_ATTENTE:
        return PaiementEnAttente
    if code == DEFAUT_INCONNU:
        return OperationInconnue
    if code is not None:
        return RequeteRefusee
    return None


def _instant(dattrans: str, heurtrans: str) -> datetime | None:
    """dattrans DDMMYYYY and heurtrans HHMM as a naive Paris time, None when absent or wrong."""
    try:
        jour = date(int(dattrans[4:8]), int(dattrans[2:4]), int(dattrans[0:2]))
        return datetime(jour.year, jour.month, jour.day, int(heurtrans[0:2]),
                        int(heurtrans[2:4]))
    except ValueError:
        return None
