"""Families sign in with FranceConnect: the consent choice, the redirect, the callback that
fetches the income within the access token's 60 seconds, and the failure page."""

import logging
import threading
from datetime import UTC
from datetime import date
from datetime import datetime

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from portail_famille import travaux
from portail_famille.auth import bp
from portail_famille.auth import oidc
from portail_famille.auth.commun import CLE_ECHEC
from portail_famille.auth.commun import ECHEC_PAR_DEFAUT
from portail_famille.auth.commun import echouer
from portail_famille.auth.commun import meme_valeur
from portail_famille.auth.commun import ouvrir_session
from portail_famille.auth.redirections import cible_sure
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import audit
from portail_famille.services import comptes
from portail_famille.services import recuperation
from portail_famille.services import renouvellement
from portail_famille.travaux import recherche_differee
from portail_famille.web import contexte
from portail_famille.web import propositions

journal = logging.getLogger(__name__)

LIMITE_FRANCECONNECT = "20 per minute"
CLE_FLUX = "franceconnect_flux"

# What each `error` of the callback means for the family (franceconnect.md §9).
ECHECS = {
    "access_denied": "La connexion a été annulée, ou FranceConnect n’a pas pu confirmer votre "
                     "identité.",
    "invalid_scope": "Un problème technique empêche la connexion. Le service des affaires "
                     "scolaires de la mairie a été prévenu ; vous pouvez aussi le contacter.",
    "invalid_request": "Un problème technique empêche la connexion. Le service des affaires "
                       "scolaires de la mairie a été prévenu ; vous pouvez aussi le contacter.",
    "server_error": "FranceConnect est momentanément indisponible. Réessayez dans quelques "
                    "minutes.",
    "temporarily_unavailable": "FranceConnect est momentanément indisponible. Réessayez dans "
                               "quelques minutes.",
}
# What the family reads when the relying party refuses the sign-in.
MESSAGE_INDISPONIBLE = ("FranceConnect ne répond pas pour le moment. Réessayez dans quelques "
                        "minutes.")
MESSAGE_REFUS = ("La connexion avec FranceConnect n’a pas pu être vérifiée. Par sécurité, nous ne "
                 "vous avons pas connecté.")


def client() -> oidc.ClientOIDC:
    return current_app.extensions["franceconnect"]


def _refus(erreur: oidc.ErreurOIDC):
    message = MESSAGE_INDISPONIBLE if isinstance(erreur, oidc.FournisseurIndisponible) \
        else MESSAGE_REFUS
    return echouer(message, code_audit=erreur.code)


def _scopes(donnees: bool) -> str:
    return contexte.config().scopes_franceconnect(contexte.grille().sources, donnees)


@bp.get("/connexion")
def connexion():
    if current_user.is_authenticated and current_user.role == "famille":
        return redirect(url_for("familles.accueil"))
    return render_template("auth/connexion.html", suivant=cible_sure(request.args.get("next"), ""),
                           sources=contexte.grille().sources)


@bp.get("/connexion/franceconnect")
@limiter.limit(LIMITE_FRANCECONNECT)
def connexion_franceconnect():
    state, nonce = oidc.aleatoire(), oidc.aleatoire()
    # The family chose on /connexion whether its income may be fetched (issue 4 consent).
    donnees = request.args.get("donnees", "1") != "0"
    try:
        url = client().url_autorisation(state, nonce, _scopes(donnees))
    except oidc.ErreurOIDC as erreur:
        # Discovery failed or named another issuer (O1): no redirect, and a trace for the
        # town hall, since every family is then stuck at this step.
        return _refus(erreur)
    session[CLE_FLUX] = {
        "state": state,
        "nonce": nonce,
        "suivant": cible_sure(request.args.get("next"), url_for("familles.accueil")),
        "donnees": donnees,
        # The yearly renewal is asked by identity: it goes with the consent to fetch the QF.
        "renouvellement": donnees and request.args.get("renouvellement") == "1",
    }
    if donnees:
        _preparer_jeton_dgfip()
    return redirect(url)


def _preparer_jeton_dgfip() -> None:
    """Warm the DGFiP gateway token, so that the callback's 60 s go to the data call.

    In the background: the family's redirect to FranceConnect never waits for the DGFiP.
    """
    if "dgfip" not in contexte.grille().sources:
        return
    threading.Thread(target=recuperation.preparer_jeton_dgfip, args=(contexte.clients(),),
                     name="jeton-dgfip", daemon=True).start()


@bp.get("/connexion/franceconnect/retour")
@limiter.limit(LIMITE_FRANCECONNECT)
def retour_franceconnect():
    # The state is consumed whatever happens next: a callback can be used once only (O4).
    flux = session.pop(CLE_FLUX, None) or {}
    state_recu = request.args.get("state", "")
    state_valide = bool(flux) and meme_valeur(state_recu, flux.get("state", ""))
    if "error" in request.args:
        code = request.args["error"][:64]
        journal.warning("franceconnect a renvoyé une erreur : %s", audit.neutraliser(code))
        return echouer(ECHECS.get(code, ECHEC_PAR_DEFAUT), code_audit=f"erreur_{code}")
    if not state_valide:
        return _refus(oidc.ErreurOIDC("state_invalide"))
    iss = request.args.get("iss")
    if iss is not None and iss != client().issuer:
        return _refus(oidc.ErreurOIDC("iss_retour"))
    try:
        resultat = client().terminer(request.args.get("code", ""), flux["nonce"])
    except oidc.ErreurOIDC as erreur:
        return _refus(erreur)
    compte, _ = comptes.rapprocher_franceconnect(client().issuer, resultat.identite)
    if flux.get("renouvellement"):
        renouvellement.consentir(compte.famille, True, datetime.now(UTC))
    db.session.commit()
    recuperee = None
    if flux.get("donnees"):
        # Inside the access token's 60 seconds; the token itself is never stored (O9).
        recuperee = recuperation.recuperer_apres_connexion(
            compte.famille_id, resultat.jeton_acces, resultat.scope, contexte.grille().sources,
            contexte.clients(), date.today())
        db.session.commit()
        if recuperee.differee:
            # The rush: the CAF is asked later, by identity, at the API's pace; the family's
            # pages say so meanwhile (issue 12).
            tache = recherche_differee.pour_la_famille(compte.famille_id, date.today())
            db.session.commit()
            travaux.envoyer(tache)
    ouvrir_session(compte)
    # Kept server-side only, as the hint FranceConnect's logout requires (§4).
    session["id_token"] = resultat.id_token
    if recuperee is not None:
        propositions.retenir(recuperee)
    return redirect(flux["suivant"], 303)


@bp.get("/connexion/echec")
def echec():
    message = session.pop(CLE_ECHEC, ECHEC_PAR_DEFAUT)
    return render_template("auth/echec.html", message=message)
