"""Writing the emails families receive: French plain text and HTML from the templates of
templates/courriels/, with absolute links to the portal; queued in the outbox
(`services.courriels`), sent after the commit by the `courriels` job.

Works in a request and in a job alike: links are built from PORTAIL_URL, not from a request.
"""

from urllib.parse import urlsplit

from flask import current_app
from flask import render_template

from portail_famille.services import courriels

SUJETS = {
    "qf_expire": "Votre quotient familial arrive à échéance",
    "qf_renouvele": "Votre quotient familial est renouvelé",
    "qf_non_renouvele": "Votre quotient familial n’a pas pu être renouvelé",
    "inscription_validee": "Inscription validée",
    "inscription_refusee": "Inscription refusée",
    "justificatif_accepte": "Votre justificatif est accepté",
    "justificatif_refuse": "Votre justificatif n’a pas été accepté",
}


def adresse(endpoint: str, **valeurs) -> str:
    """The absolute address of a page of the portal."""
    portail = urlsplit(current_app.extensions["portail"].portail_url)
    return current_app.url_map.bind(portail.netloc, url_scheme=portail.scheme).build(
        endpoint, valeurs, force_external=True)


def annoncer(nature: str, cle: str, famille_id: int, **contexte) -> int:
    """Queue the news `nature` for every adult of the household with an address, once per
    `cle`; how many emails were queued."""
    destinataires = courriels.destinataires(famille_id)
    if not destinataires:
        return 0
    valeurs = {"sujet": SUJETS[nature], "adresse": adresse, **contexte}
    texte = render_template(f"courriels/{nature}.txt", **valeurs)
    html = render_template(f"courriels/{nature}.html", **valeurs)
    return sum(courriels.preparer(nature, f"{cle}:{destinataire}", famille_id, destinataire,
                                  SUJETS[nature], texte, html) is not None
               for destinataire in destinataires)
