"""Sandbox simulator of PayFiP (payfip.md « Sandbox »): its SOAP web service and its payment page.

`creerPaiementSecurise` records an operation and answers its idOp; the page offers the payer's
five outcomes: paid by card, paid by direct debit, refused, cancelled, and « notification en
retard », where the browser comes back before PayFiP notifies: the detail call then answers the
pending fault (P5) until the notification is released from the page. Released or not, the
notification is PayFiP's: an HTTP POST of `idop` to the portal's `urlnotif`. An idOp it does not
know gets the fault P1, as after PayFiP's nightly purge. Operations live in the simulators'
store (Redis when set, so that every worker sees them) for a day.
"""

import json
import logging
import re
import secrets
import time
import uuid
import xml.etree.ElementTree as ET  # nosec B405 (read without DTD, see _lire_appel)
from xml.sax.saxutils import escape

import requests
from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from portail_famille.bac_a_sable import communs_api
from portail_famille.bac_a_sable import limites
from portail_famille.bac_a_sable.communs_api import Refus
from portail_famille.extensions import csrf

journal = logging.getLogger(__name__)

bp = Blueprint("payfip", __name__, url_prefix="/payfip")
communs_api.installer(bp)

SERVICE = "/tpa/services/securite"
PAGE = "/tpa/paiementws.web"
ENVELOPPE = "http://schemas.xmlsoap.org/soap/envelope/"
ESPACE = ("http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
          "contrat_paiement_securise/PaiementSecuriseService")
ESPACE_REPONSE = "http://securite.service.tpa.cp.finances.gouv.fr/reponse"
# Until « the nightly purge »: a day, then the idOp is unknown (P1).
DUREE_OPERATION = 24 * 3600
VALIDITE_ID_OP = 15 * 60
DELAI_NOTIFICATION = (2, 10)

# The page's choices: PayFiP's resultrans, and whether the notification is held back.
CHOIX = {
    "carte": ("Payé par carte", "P", False),
    "prelevement": ("Payé par prélèvement", "V", False),
    "refus": ("Refusé", "R", False),
    "annulation": ("Annulé par le payeur", "A", False),
    "retard": ("Payé par carte, notification en retard", "P", True),
}
# The simulator's own fault for a field payfip.md refuses (PayFiP's codes are not published).
CODE_PARAMETRE = "BAC1"

_REGLES = {
    "numcli": re.compile(r"[0-9]{6}"),
    "exer": re.compile(r"[0-9]{4}"),
    "refdet": re.compile(r"[A-Za-z0-9]{1,30}"),
    "montant": re.compile(r"[0-9]{3,8}"),
    "mel": re.compile(r"[^@\s]{1,78}@[^@\s]{1,78}"),
    "objet": re.compile(r"[A-Za-z0-9 ]{0,100}"),
    "saisie": re.compile(r"[TXW]"),
    "urlnotif": re.compile(r"https?://\S+"),
    "urlredirect": re.compile(r"https?://\S+"),
}
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@bp.post(SERVICE)
@csrf.exempt
def service():
    operation, champs = _lire_appel()
    if operation == "creerPaiementSecurise":
        return _creer(champs)
    if operation == "recupererDetailPaiementSecurise":
        return _detail(champs.get("idOp", ""))
    raise _defaut("BAC0", "opération inconnue", status_http=500)


@bp.get(PAGE)
def page():
    id_op = request.args.get("idop", "")
    return _page(id_op, _operation(id_op))


@bp.post(PAGE)
def payer():
    id_op = request.form.get("idop", "")
    operation = _operation(id_op)
    choix = CHOIX.get(request.form.get("choix", ""))
    if operation is None or operation["resultrans"] is not None or _expiree(operation):
        return _page(id_op, operation)
    if choix is None:
        return _page(id_op, operation, erreur="Choisissez l’issue du paiement.")
    _, resultrans, retenue = choix
    instant = communs_api.maintenant_paris()
    operation |= {"resultrans": resultrans, "retenue": retenue,
                  "dattrans": instant.strftime("%d%m%Y"), "heurtrans": instant.strftime("%H%M"),
                  "numauto": f"{secrets.randbelow(10**6):06d}" if resultrans in "PV" else ""}
    _enregistrer(id_op, operation)
    if retenue:
        return _page(id_op, operation)
    _notifier(id_op, operation)
    return redirect(operation["urlredirect"], 303)


@bp.post("/notifications/<id_op>")
def liberer(id_op: str):
    operation = _operation(id_op)
    if operation is None or not operation["retenue"]:
        abort(404)
    liberer_notification(id_op)
    return redirect(url_for(".page", idop=id_op), 303)


def liberer_notification(id_op: str) -> None:
    """Release the held notification of `id_op`: the detail answers from now on, and the portal
    is notified."""
    operation = _operation(id_op)
    operation["retenue"] = False
    _enregistrer(id_op, operation)
    _notifier(id_op, operation)


def _creer(champs: dict[str, str]) -> Response:
    champs.setdefault("objet", "")
    for nom, regle in _REGLES.items():
        if not regle.fullmatch(champs.get(nom, "")):
            raise _defaut(CODE_PARAMETRE, f"paramètre {nom} invalide")
    if not 100 <= int(champs["montant"]) <= 10_000_000 or not 6 <= len(champs["mel"]) <= 80:
        raise _defaut(CODE_PARAMETRE, "paramètre montant ou mel invalide")
    if champs["numcli"] != current_app.extensions["portail"].payfip_numcli:
        raise _defaut(CODE_PARAMETRE, "numéro client inconnu")
    id_op = str(uuid.uuid4())
    _enregistrer(id_op, {**{nom: champs[nom] for nom in _REGLES}, "cree_a": time.time(),
                         "resultrans": None, "retenue": False})
    return _reponse("creerPaiementSecurise", {"idOp": id_op})


def _detail(id_op: str) -> Response:
    operation = _operation(id_op)
    if operation is None:
        raise _defaut("P1", "IdOp incorrect", "Le numéro d’opération est inconnu.")
    if operation["resultrans"] is None or operation["retenue"]:
        raise _defaut("P5", "Transaction en cours", "La transaction n’est pas terminée.")
    champs = {nom: operation[nom] for nom in ("dattrans", "exer", "heurtrans")}
    champs["idOp"] = id_op
    champs |= {nom: operation[nom] for nom in ("mel", "montant", "numauto", "numcli", "objet",
                                               "refdet", "resultrans", "saisie")}
    return _reponse("recupererDetailPaiementSecurise", champs)


def _page(id_op: str, operation: dict | None, erreur: str | None = None) -> Response:
    if operation is None:
        return Response(render_template("bac_a_sable/payfip/inconnue.html"), 404)
    montant = int(operation["montant"])
    return Response(render_template(
        "bac_a_sable/payfip/paiement.html", id_op=id_op, operation=operation,
        euros=f"{montant // 100},{montant % 100:02d} €", choix=CHOIX, erreur=erreur,
        expiree=_expiree(operation) and operation["resultrans"] is None),
        422 if erreur else 200)


def _expiree(operation: dict) -> bool:
    return time.time() - operation["cree_a"] > VALIDITE_ID_OP


def _notifier(id_op: str, operation: dict) -> None:
    """PayFiP's notification; a portal that does not answer is not retried (its poll job
    asks the detail later)."""
    try:
        requests.post(operation["urlnotif"], data={"idop": id_op}, timeout=DELAI_NOTIFICATION,
                      allow_redirects=False)
    except requests.RequestException as exc:
        journal.warning("notification PayFiP non remise : %s", type(exc).__name__)


def _operation(id_op: str) -> dict | None:
    trouvee = limites.retrouver(_cle(id_op)) if id_op else None
    return None if trouvee is None else json.loads(trouvee[0])


def _enregistrer(id_op: str, operation: dict) -> None:
    reste = limites.retrouver(_cle(id_op))
    limites.conserver(_cle(id_op), json.dumps(operation),
                      DUREE_OPERATION if reste is None else reste[1])


def _cle(id_op: str) -> str:
    return limites.empreinte("payfip", id_op)


def _lire_appel() -> tuple[str, dict[str, str]]:
    """The operation called and the fields of its `arg0`, whatever their namespaces."""
    contenu = request.get_data()
    if _DTD.search(contenu):
        raise _defaut("BAC0", "DTD refusée", status_http=400)
    try:
        racine = ET.fromstring(contenu)  # noqa: S314  # nosec B314
    except ET.ParseError:
        raise _defaut("BAC0", "XML mal formé", status_http=400) from None
    corps = racine.find(f"{{{ENVELOPPE}}}Body")
    appel = None if corps is None or len(corps) == 0 else corps[0]
    argument = None if appel is None else next(iter(appel), None)
    if argument is None:
        raise _defaut("BAC0", "enveloppe SOAP incomplète", status_http=400)
    return (appel.tag.rpartition("}")[2],
            {e.tag.rpartition("}")[2]: (e.text or "").strip() for e in argument})


def _enveloppe(corps: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{ENVELOPPE}">'
            f"<soap:Body>{corps}</soap:Body></soap:Envelope>")


def _reponse(operation: str, champs: dict[str, str]) -> Response:
    valeurs = "".join(f"<r:{nom}>{escape(str(valeur))}</r:{nom}>"
                      for nom, valeur in champs.items())
    corps = (f'<ns2:{operation}Response xmlns:ns2="{ESPACE}" xmlns:r="{ESPACE_REPONSE}">'
             f"<return>{valeurs}</return></ns2:{operation}Response>")
    return Response(_enveloppe(corps), 200, mimetype="text/xml")


def _defaut(code: str, libelle: str, descriptif: str = "", status_http: int = 500) -> Refus:
    """A FonctionnelleErreur fault, as PayFiP's service sends them (HTTP 500)."""
    corps = (
        "<soap:Fault><faultcode>soap:Server</faultcode>"
        "<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
        f'</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="{ESPACE_REPONSE}">'
        f"<code>{escape(code)}</code><descriptif>{escape(descriptif)}</descriptif>"
        f"<libelle>{escape(libelle)}</libelle><severite>2</severite>"
        "</ns2:FonctionnelleErreur></detail></soap:Fault>"
    )
    return Refus(Response(_enveloppe(corps), status_http, mimetype="text/xml"))
