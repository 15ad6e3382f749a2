"""SOAP 1.1 over HTTP with the standard library: the envelope of a call, the fields of its
answer, the code of a fault (PayFiP's web service, payfip.md).

Answers are read without any DTD: SOAP 1.1 §3 forbids one in a message, and refusing it before
parsing shuts out entity expansion (« billion laughs ») and external entities.
"""

import re
import xml.etree.ElementTree as ET  # nosec B405 (read without DTD, see `lire`)
from xml.sax.saxutils import escape

ENVELOPPE = "http://schemas.xmlsoap.org/soap/envelope/"
# Answers are small (a dozen fields); anything much larger is not one.
TAILLE_MAXIMALE = 64 * 1024
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class SOAPIllisible(ValueError):
    """The body is not a SOAP envelope this client can read."""


def enveloppe(espace: str, operation: str, champs: dict[str, str]) -> bytes:
    """The request envelope of `operation` (in namespace `espace`) with one `arg0` of
    unqualified `champs`, as JAX-WS services such as PayFiP's expect."""
    valeurs = "".join(f"<{nom}>{escape(valeur)}</{nom}>" for nom, valeur in champs.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{ENVELOPPE}" xmlns:ope="{escape(espace)}">'
        f"<soapenv:Body><ope:{operation}><arg0>{valeurs}</arg0></ope:{operation}>"
        f"</soapenv:Body></soapenv:Envelope>"
    ).encode()


def lire(contenu: bytes) -> ET.Element:
    """The Body element of an envelope; raise SOAPIllisible."""
    if len(contenu) > TAILLE_MAXIMALE or _DTD.search(contenu):
        raise SOAPIllisible("corps trop long ou avec une DTD")
    try:
        racine = ET.fromstring(contenu)  # noqa: S314  # nosec B314
    except ET.ParseError:
        raise SOAPIllisible("XML mal formé") from None
    corps = racine.find(f"{{{ENVELOPPE}}}Body")
    if racine.tag != f"{{{ENVELOPPE}}}Envelope" or corps is None:
        raise SOAPIllisible("pas une enveloppe SOAP 1.1")
    return corps


def nom_local(element: ET.Element) -> str:
    """The tag without its namespace: fields are read whatever namespace the service uses."""
    return element.tag.rpartition("}")[2]


def champs(element: ET.Element) -> dict[str, str]:
    """The text of each child of `element`, by local name (empty for an empty element)."""
    return {nom_local(enfant): (enfant.text or "").strip() for enfant in element}


def reponse(contenu: bytes, operation: str) -> dict[str, str]:
    """The fields of `<operationResponse><return>`; raise SOAPIllisible."""
    corps = lire(contenu)
    resultat = next((e for e in corps if nom_local(e) == f"{operation}Response"), None)
    retour = None if resultat is None else next(
        (e for e in resultat if nom_local(e) == "return"), None)
    if retour is None:
        raise SOAPIllisible(f"{operation}Response/return absent")
    return champs(retour)


def erreurs_du_defaut(contenu: bytes) -> tuple[dict, ...]:
    """A SOAP Fault as the transport's error entries, with the service's own code when its
    `detail` carries one (PayFiP: FonctionnelleErreur/code); () if not a fault."""
    try:
        corps = lire(contenu)
    except SOAPIllisible:
        return ()
    defaut = corps.find(f"{{{ENVELOPPE}}}Fault")
    if defaut is None:
        return ()
    lu = champs(defaut)
    detail = {}
    for element in defaut.iter():
        if nom_local(element) in ("code", "libelle", "descriptif") and len(element) == 0:
            detail.setdefault(nom_local(element), (element.text or "").strip())
    # `code` is the service's own (None for a bare technical fault); the faultcode stays in meta.
    return ({
        "code": detail.get("code") or None,
        "title": detail.get("libelle") or lu.get("faultstring") or None,
        "detail": detail.get("descriptif") or None,
        "meta": {"faultcode": lu.get("faultcode", "")},
        "source": None,
    },)
