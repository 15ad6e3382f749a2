"""Sign-in and sign-out: FranceConnect for families, a password for town-hall staff."""

import hmac
import logging
import threading
from datetime import date

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired

from portail_famille import recuperations
from portail_famille.auth import franceconnect
from portail_famille.auth.redirections import cible_sure
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import comptes
from portail_famille.services import journal as journal_audit
from portail_famille.services import revenus

bp = Blueprint("auth", __name__)
journal = logging.getLogger(__name__)

LIMITE_FRANCECONNECT = "20 per minute"
CLE_FLUX = "franceconnect_flux"
CLE_ECHEC = "franceconnect_echec"
CLE_DECONNEXION = "deconnexion_state"

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
ECHEC_PAR_DEFAUT = "La connexion avec FranceConnect n’a pas abouti."


def client() -> franceconnect.ClientFranceConnect:
    return current_app.extensions["franceconnect"]


def _scopes(donnees: bool) -> str:
    sources = current_app.extensions["grille"].obtenir().grille.sources
    return current_app.extensions["portail"].scopes_franceconnect(sources, donnees)


def _meme_valeur(recu: str, attendu: str) -> bool:
    """Constant-time comparison of a value sent back by the browser with the stored one.

    On bytes: `hmac.compare_digest` raises TypeError on non-ASCII text, and a crafted state
    must be refused, never answered with a 500.
    """
    return hmac.compare_digest(recu.encode(), attendu.encode())


def ouvrir_session(compte) -> None:
    """A new session identifier at sign-in: nothing planted before it survives (S2)."""
    session.renouveler()
    login_user(compte)
    session["role"] = compte.role


@bp.get("/connexion")
def connexion():
    if current_user.is_authenticated and current_user.role == "famille":
        return redirect(url_for("familles.accueil"))
    return render_template("auth/connexion.html", suivant=cible_sure(request.args.get("next"), ""),
                           sources=current_app.extensions["grille"].obtenir().grille.sources)


@bp.get("/connexion/franceconnect")
@limiter.limit(LIMITE_FRANCECONNECT)
def connexion_franceconnect():
    state, nonce = franceconnect.aleatoire(), franceconnect.aleatoire()
    # The family chose on /connexion whether its income may be fetched (issue 4 consent).
    donnees = request.args.get("donnees", "1") != "0"
    try:
        url = client().url_autorisation(state, nonce, _scopes(donnees))
    except franceconnect.ErreurFranceConnect as erreur:
        # Discovery failed or named another issuer (O1): no redirect, and a trace for the
        # town hall, since every family is then stuck at this step.
        return _echec(erreur.message, code_audit=erreur.code)
    session[CLE_FLUX] = {
        "state": state,
        "nonce": nonce,
        "suivant": cible_sure(request.args.get("next"), url_for("familles.accueil")),
        "donnees": donnees,
    }
    if donnees:
        _preparer_jeton_dgfip()
    return redirect(url)


def _preparer_jeton_dgfip() -> None:
    """Warm the DGFiP gateway token, so that the callback's 60 s go to the data call.

    In the background: the family's redirect to FranceConnect never waits for the DGFiP.
    """
    if "dgfip" not in current_app.extensions["grille"].obtenir().grille.sources:
        return
    threading.Thread(target=revenus.preparer_jeton_dgfip, args=(current_app.extensions["revenus"],),
                     name="jeton-dgfip", daemon=True).start()


@bp.get("/connexion/franceconnect/retour")
@limiter.limit(LIMITE_FRANCECONNECT)
def retour_franceconnect():
    # The state is consumed whatever happens next: a callback can be used once only (O4).
    flux = session.pop(CLE_FLUX, None) or {}
    state_recu = request.args.get("state", "")
    state_valide = bool(flux) and _meme_valeur(state_recu, flux.get("state", ""))
    if "error" in request.args:
        code = request.args["error"][:64]
        journal.warning("franceconnect a renvoyé une erreur : %s", journal_audit.neutraliser(code))
        return _echec(ECHECS.get(code, ECHEC_PAR_DEFAUT), code_audit=f"erreur_{code}")
    if not state_valide:
        return _echec(franceconnect.ErreurFranceConnect("state_invalide").message,
                      code_audit="state_invalide")
    iss = request.args.get("iss")
    if iss is not None and iss != client().issuer:
        return _echec(franceconnect.ErreurFranceConnect("iss_retour").message,
                      code_audit="iss_retour")
    try:
        resultat = client().terminer(request.args.get("code", ""), flux["nonce"])
    except franceconnect.ErreurFranceConnect as erreur:
        return _echec(erreur.message, code_audit=erreur.code)
    compte, _ = comptes.rapprocher_franceconnect(client().issuer, resultat.identite)
    db.session.commit()
    recuperation = None
    if flux.get("donnees"):
        # Inside the access token's 60 seconds; the token itself is never stored (O9).
        recuperation = revenus.recuperer_apres_connexion(
            compte.famille_id, resultat.jeton_acces, resultat.scope,
            current_app.extensions["grille"].obtenir().grille.sources,
            current_app.extensions["revenus"], date.today())
        db.session.commit()
    ouvrir_session(compte)
    # Kept server-side only, as the hint FranceConnect's logout requires (§4).
    session["id_token"] = resultat.id_token
    if recuperation is not None:
        recuperations.retenir(recuperation)
    return redirect(flux["suivant"], 303)


def _echec(message: str, code_audit: str | None = None):
    """No session is created; the message is shown on a page of its own (no code in its URL)."""
    if code_audit:
        journal_audit.consigner("echec_connexion", detail=code_audit)
        db.session.commit()
    session[CLE_ECHEC] = message
    return redirect(url_for("auth.echec"), 303)


@bp.get("/connexion/echec")
def echec():
    message = session.pop(CLE_ECHEC, ECHEC_PAR_DEFAUT)
    return render_template("auth/echec.html", message=message)


@bp.post("/deconnexion")
def deconnexion():
    id_token = session.get("id_token")
    # The local session dies now, server-side: a copied cookie no longer opens anything (O13).
    session.renouveler()
    logout_user()
    if not id_token:
        return redirect(url_for("auth.deconnexion_retour"), 303)
    state = franceconnect.aleatoire()
    try:
        url = client().url_deconnexion(id_token, state)
    except franceconnect.ErreurFranceConnect:
        # A provider without end_session: the logout stays local, no state to wait for.
        return redirect(url_for("auth.deconnexion_retour"), 303)
    session[CLE_DECONNEXION] = state
    return redirect(url, 303)


@bp.get("/deconnexion/retour")
def deconnexion_retour():
    # POST /deconnexion already ended the local session and left only the logout state: that
    # session goes entirely here, whatever comes back (franceconnect.md §10.3). Without a
    # pending logout nothing is cleared: logout is a CSRF-checked POST, a GET never signs
    # anyone out (O13).
    attendu = session.get(CLE_DECONNEXION)
    recu = request.args.get("state")
    if attendu is not None:
        session.renouveler()
        verifie = recu is not None and _meme_valeur(recu, attendu)
    else:
        # Only the local logout (no FranceConnect) lands here with nothing sent, nothing back.
        verifie = recu is None and not current_user.is_authenticated
    if not verifie:
        journal.warning("retour de déconnexion refusé : state %s",
                        "absent" if recu is None else "inattendu")
    return render_template("auth/deconnecte.html", verifie=verifie,
                           connecte=current_user.is_authenticated)


class ConnexionPersonnelForm(FlaskForm):
    identifiant = StringField("Identifiant",
                              validators=[InputRequired("Saisissez votre identifiant.")],
                              render_kw={"autocomplete": "username"})
    mot_de_passe = PasswordField("Mot de passe",
                                 validators=[InputRequired("Saisissez votre mot de passe.")],
                                 render_kw={"autocomplete": "current-password"})


@bp.route("/connexion/personnel", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def connexion_personnel():
    form = ConnexionPersonnelForm()
    erreur = None
    if form.validate_on_submit():
        compte = comptes.authentifier_personnel(form.identifiant.data, form.mot_de_passe.data)
        if compte is not None:
            journal_audit.consigner("connexion_personnel", compte_id=compte.id)
            db.session.commit()
            ouvrir_session(compte)
            defaut = url_for("admin.accueil" if compte.role == "admin" else "mairie.accueil")
            return redirect(cible_sure(request.args.get("next"), defaut), 303)
        journal_audit.consigner("echec_connexion", detail="personnel")
        db.session.commit()
        erreur = "Identifiant ou mot de passe incorrect."
    return render_template("auth/connexion_personnel.html", form=form, erreur=erreur), \
        200 if erreur is None and not form.errors else 422
