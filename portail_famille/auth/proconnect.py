"""Town-hall staff sign in with ProConnect (proconnect.md), through the same relying-party code
as the families' FranceConnect (`federation`, `oidc`). Only an active staff account an admin
created for the agent's email opens, and only for an agent signed in for the commune's SIRET.

There is no local TOTP step after it: ProConnect's identity providers apply their own second
factor; the staff session rules (shorter timeouts, by role) are the local accounts' ones.
"""

from datetime import UTC
from datetime import datetime

from flask import abort
from flask import redirect
from flask import request

from portail_famille.auth import bp
from portail_famille.auth import federation
from portail_famille.auth.commun import REESSAYER_PERSONNEL
from portail_famille.auth.commun import echouer
from portail_famille.auth.commun import ouvrir_session
from portail_famille.auth.federation import Federation
from portail_famille.auth.personnel import accueil_du_personnel
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import comptes
from portail_famille.web import contexte
from portail_famille.web.redirections import cible_sure

LIMITE_PROCONNECT = "20 per minute"
# ProConnect's scopes for the portal (proconnect.md): no data scope, no API call afterwards.
SCOPES = "openid email given_name usual_name uid siret"

PROCONNECT = Federation(
    nom="proconnect",
    echecs={
        "access_denied": "La connexion avec ProConnect a été annulée.",
        "server_error": "ProConnect est momentanément indisponible. Réessayez dans quelques "
                        "minutes.",
        "temporarily_unavailable": "ProConnect est momentanément indisponible. Réessayez dans "
                                   "quelques minutes.",
    },
    echec_par_defaut="La connexion avec ProConnect n’a pas abouti.",
    message_refus="La connexion avec ProConnect n’a pas pu être vérifiée. Par sécurité, nous "
                  "ne vous avons pas connecté.",
    message_indisponible="ProConnect ne répond pas pour le moment. Réessayez dans quelques "
                         "minutes.",
    reessayer=REESSAYER_PERSONNEL,
)
# What the agent reads for each refusal of a verified identity (codes of the audit journal).
REFUS = {
    "proconnect_siret_autre": "Vous vous êtes connecté avec ProConnect pour une autre "
                              "organisation que la mairie. Reconnectez-vous en choisissant la "
                              "mairie comme organisation.",
    "proconnect_compte_inconnu": "Aucun compte du personnel n’a été créé pour cette adresse "
                                 "électronique. Demandez à un administrateur du portail de "
                                 "créer votre compte avec votre adresse professionnelle.",
    "proconnect_compte_desactive": "Votre compte du personnel est désactivé. Adressez-vous à "
                                   "un administrateur du portail.",
}


def active() -> bool:
    """Whether PROCONNECT_ISSUER, _CLIENT_ID and _CLIENT_SECRET are all set."""
    return PROCONNECT.client().configure


@bp.get("/connexion/proconnect")
@limiter.limit(LIMITE_PROCONNECT)
def connexion_proconnect():
    if not active():
        abort(404)
    return federation.demarrer(PROCONNECT, SCOPES,
                               suivant=cible_sure(request.args.get("next"), ""))


@bp.get("/connexion/proconnect/retour")
@limiter.limit(LIMITE_PROCONNECT)
def retour_proconnect():
    if not active():
        abort(404)
    try:
        flux, resultat = federation.recevoir(PROCONNECT)
        compte = comptes.rapprocher_proconnect(
            PROCONNECT.client().issuer, resultat.identite,
            contexte.config().api_particulier_recipient, datetime.now(UTC))
    except federation.Refus as refus:
        return refus.reponse
    except comptes.RefusProConnect as refus:
        db.session.commit()
        return echouer(REFUS[refus.code], reessayer=REESSAYER_PERSONNEL)
    db.session.commit()
    ouvrir_session(compte)
    federation.retenir_pour_la_deconnexion(PROCONNECT, resultat)
    return redirect(flux["suivant"] or accueil_du_personnel(compte), 303)
