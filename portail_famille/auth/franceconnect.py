"""Families sign in with FranceConnect: the consent choice, the redirect, the callback that
fetches the income within the access token's 60 seconds, and the failure page."""

import logging
import threading
from datetime import UTC
from datetime import date
from datetime import datetime

from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from portail_famille import travaux
from portail_famille.auth import bp
from portail_famille.auth import federation
from portail_famille.auth import oidc
from portail_famille.auth.commun import CLE_ECHEC
from portail_famille.auth.commun import ECHEC_PAR_DEFAUT
from portail_famille.auth.commun import REESSAYER_FAMILLE
from portail_famille.auth.commun import REESSAYER_PERSONNEL
from portail_famille.auth.commun import ouvrir_session
from portail_famille.auth.federation import Federation
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import comptes
from portail_famille.services import recuperation
from portail_famille.services import renouvellement
from portail_famille.travaux import recherche_differee
from portail_famille.web import contexte
from portail_famille.web import propositions
from portail_famille.web.redirections import cible_sure

journal = logging.getLogger(__name__)

LIMITE_FRANCECONNECT = "20 per minute"

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
FRANCECONNECT = Federation(
    nom="franceconnect", echecs=ECHECS, echec_par_defaut=ECHEC_PAR_DEFAUT,
    message_refus="La connexion avec FranceConnect n’a pas pu être vérifiée. Par sécurité, "
                  "nous ne vous avons pas connecté.",
    message_indisponible="FranceConnect ne répond pas pour le moment. Réessayez dans quelques "
                         "minutes.",
    reessayer=REESSAYER_FAMILLE,
)
CLE_FLUX = FRANCECONNECT.cle_flux


def client() -> oidc.ClientOIDC:
    return FRANCECONNECT.client()


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
    # The family chose on /connexion whether its income may be fetched (issue 4 consent).
    donnees = request.args.get("donnees", "1") != "0"
    reponse = federation.demarrer(
        FRANCECONNECT, _scopes(donnees),
        suivant=cible_sure(request.args.get("next"), url_for("familles.accueil")),
        donnees=donnees,
        # The yearly renewal is asked by identity: it goes with the consent to fetch the QF.
        renouvellement=donnees and request.args.get("renouvellement") == "1",
    )
    # 302: on the way to FranceConnect (a refusal is a 303 to the failure page).
    if donnees and reponse.status_code == 302:
        _preparer_jeton_dgfip()
    return reponse


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
    try:
        flux, resultat = federation.recevoir(FRANCECONNECT)
    except federation.Refus as refus:
        return refus.reponse
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
    federation.retenir_pour_la_deconnexion(FRANCECONNECT, resultat)
    if recuperee is not None:
        propositions.retenir(recuperee)
    return redirect(flux["suivant"], 303)


@bp.get("/connexion/echec")
def echec():
    echec = session.pop(CLE_ECHEC, None) or {}
    return render_template("auth/echec.html",
                           message=echec.get("message", ECHEC_PAR_DEFAUT),
                           personnel=echec.get("reessayer") == REESSAYER_PERSONNEL)
