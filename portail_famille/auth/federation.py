"""The relying-party flow both federations share, FranceConnect for families and ProConnect for
staff (proconnect.md: "the same RP code, instantiated twice"): fresh state and nonce kept in the
session, the callback that consumes them once, checks `error`, `state` and `iss`, then has the
`oidc.ClientOIDC` verify every token; and the id_token kept as the hint of `session/end`."""

import logging
from dataclasses import dataclass

from flask import current_app
from flask import redirect
from flask import request
from flask import session

from portail_famille.auth import oidc
from portail_famille.auth.commun import echouer
from portail_famille.auth.commun import meme_valeur
from portail_famille.services import audit

journal = logging.getLogger(__name__)

# Which federation opened the session, so that logout goes through its own session/end.
CLE_FEDERATION = "federation"
CLE_ID_TOKEN = "id_token"  # noqa: S105 (a session key)


@dataclass(frozen=True)
class Federation:
    """One identity federation as the portal uses it; `nom` keys its client on app.extensions
    and its flow in the session."""

    nom: str
    # What the person reads, per `error` of the callback (franceconnect.md §9).
    echecs: dict
    echec_par_defaut: str
    message_refus: str
    message_indisponible: str
    # Where the failure page offers to try again.
    reessayer: str

    @property
    def cle_flux(self) -> str:
        return f"{self.nom}_flux"

    def client(self) -> oidc.ClientOIDC:
        return current_app.extensions[self.nom]


class Refus(Exception):
    """The sign-in stops here; `reponse` is the failure page to send."""

    def __init__(self, reponse):
        super().__init__()
        self.reponse = reponse


def echouer_oidc(federation: Federation, erreur: oidc.ErreurOIDC):
    """The failure page for a refused rule, its code in the audit journal."""
    message = federation.message_indisponible \
        if isinstance(erreur, oidc.FournisseurIndisponible) else federation.message_refus
    return echouer(message, code_audit=erreur.code, reessayer=federation.reessayer)


def demarrer(federation: Federation, scopes: str, **flux):
    """Redirect to the provider's authorize URL, with a state and a nonce for this flow only.

    `flux` (where to go next, the family's consent…) comes back with the callback.
    """
    state, nonce = oidc.aleatoire(), oidc.aleatoire()
    try:
        url = federation.client().url_autorisation(state, nonce, scopes)
    except oidc.ErreurOIDC as erreur:
        # Discovery failed or named another issuer (O1): no redirect, and a trace for the
        # town hall, since everyone is then stuck at this step.
        return echouer_oidc(federation, erreur)
    session[federation.cle_flux] = {"state": state, "nonce": nonce, **flux}
    return redirect(url)


def recevoir(federation: Federation) -> tuple[dict, oidc.Connexion]:
    """The callback: (the flow's data, the verified sign-in); raise Refus otherwise."""
    # The state is consumed whatever happens next: a callback can be used once only (O4).
    flux = session.pop(federation.cle_flux, None) or {}
    state_recu = request.args.get("state", "")
    state_valide = bool(flux) and meme_valeur(state_recu, flux.get("state", ""))
    if "error" in request.args:
        code = request.args["error"][:64]
        journal.warning("%s a renvoyé une erreur : %s", federation.nom, audit.neutraliser(code))
        raise Refus(echouer(federation.echecs.get(code, federation.echec_par_defaut),
                            code_audit=f"erreur_{code}", reessayer=federation.reessayer))
    if not state_valide:
        raise Refus(echouer_oidc(federation, oidc.ErreurOIDC("state_invalide")))
    client = federation.client()
    iss = request.args.get("iss")
    if iss is not None and iss != client.issuer:
        raise Refus(echouer_oidc(federation, oidc.ErreurOIDC("iss_retour")))
    try:
        return flux, client.terminer(request.args.get("code", ""), flux["nonce"])
    except oidc.ErreurOIDC as erreur:
        raise Refus(echouer_oidc(federation, erreur)) from None


def retenir_pour_la_deconnexion(federation: Federation, connexion: oidc.Connexion) -> None:
    """Kept server-side only, after the session is opened: the hint logout requires (§4)."""
    session[CLE_ID_TOKEN] = connexion.id_token
    session[CLE_FEDERATION] = federation.nom
