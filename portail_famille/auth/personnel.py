"""Town-hall staff sign in with an identifier, a password and a second factor (TOTP, or a
recovery code), never through FranceConnect. Between the two steps the server-side session
holds only which account is half-way, since when, and where to go next: no role, no login."""

import time
from datetime import UTC
from datetime import datetime

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from portail_famille.auth import bp
from portail_famille.auth.commun import ouvrir_session
from portail_famille.auth.forms import CodePersonnelForm
from portail_famille.auth.forms import ConnexionPersonnelForm
from portail_famille.auth.forms import EnrolementForm
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import comptes
from portail_famille.services import double_facteur
from portail_famille.web import affichage
from portail_famille.web import qr
from portail_famille.web.redirections import cible_sure

EN_ATTENTE = "personnel_en_attente"
CODES_A_MONTRER = "codes_de_secours"
# Time to take out a phone, or to install an authenticator app at the first sign-in.
DUREE_DU_SECOND_PAS = 10 * 60
EMETTEUR = "Portail famille"


def _message_d_attente(fin: datetime) -> str:
    # The same words for every identifier: a lock tells nothing of who exists.
    return (" Après plusieurs essais, par sécurité, la connexion est suspendue : "
            f"réessayez à partir de {affichage.heure(fin)}.")


def accueil_du_personnel(compte) -> str:
    return url_for("admin.accueil" if compte.role == "admin" else "mairie.accueil")


@bp.route("/connexion/personnel", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def connexion_personnel():
    form = ConnexionPersonnelForm()
    erreur = None
    if form.validate_on_submit():
        resultat = comptes.authentifier_personnel(
            form.identifiant.data, form.mot_de_passe.data, request.remote_addr,
            datetime.now(UTC))
        db.session.commit()
        if resultat.compte is not None:
            compte = resultat.compte
            # A new session already: nothing planted before the password survives (S2).
            session.renouveler()
            session[EN_ATTENTE] = {
                "compte": compte.id, "depuis": int(time.time()),
                "suivant": cible_sure(request.args.get("next"), accueil_du_personnel(compte))}
            etape = "auth.connexion_personnel_code" if compte.totp_secret \
                else "auth.connexion_personnel_enrolement"
            return redirect(url_for(etape), 303)
        erreur = "Identifiant ou mot de passe incorrect."
        if resultat.bloque_jusqu_a is not None:
            erreur += _message_d_attente(resultat.bloque_jusqu_a)
    return render_template("auth/connexion_personnel.html", form=form, erreur=erreur,
                           proconnect=current_app.extensions["proconnect"].configure,
                           suivant=cible_sure(request.args.get("next"), "")), \
        200 if erreur is None and not form.errors else 422


def _en_attente():
    """The half-way state and its account, or None when there is none or it is too old."""
    etat = session.get(EN_ATTENTE)
    if not isinstance(etat, dict) or time.time() - etat.get("depuis", 0) > DUREE_DU_SECOND_PAS:
        session.pop(EN_ATTENTE, None)
        return None
    compte = comptes.compte_en_attente(etat["compte"])
    return None if compte is None else (etat, compte)


def _recommencer():
    return redirect(url_for("auth.connexion_personnel"), 303)


@bp.route("/connexion/personnel/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def connexion_personnel_code():
    attente = _en_attente()
    if attente is None:
        return _recommencer()
    etat, compte = attente
    if not compte.totp_secret:
        return redirect(url_for("auth.connexion_personnel_enrolement"), 303)
    form = CodePersonnelForm()
    erreur = None
    if form.validate_on_submit():
        resultat = comptes.second_facteur(compte, form.code.data, request.remote_addr,
                                          datetime.now(UTC))
        db.session.commit()
        if resultat.compte is not None:
            ouvrir_session(resultat.compte)
            return redirect(etat["suivant"], 303)
        erreur = "Code incorrect ou déjà utilisé."
        if resultat.bloque_jusqu_a is not None:
            erreur += _message_d_attente(resultat.bloque_jusqu_a)
    return render_template("auth/code_personnel.html", form=form, erreur=erreur), \
        200 if erreur is None and not form.errors else 422


@bp.route("/connexion/personnel/enrolement", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def connexion_personnel_enrolement():
    attente = _en_attente()
    if attente is None:
        return _recommencer()
    etat, compte = attente
    if compte.totp_secret:
        return redirect(url_for("auth.connexion_personnel_code"), 303)
    if not etat.get("secret"):
        # Kept for the half-way session only: reloading the page shows the same QR code.
        etat["secret"] = double_facteur.nouveau_secret()
        session[EN_ATTENTE] = etat
    form = EnrolementForm()
    erreur = None
    if form.validate_on_submit():
        resultat = comptes.enroler_totp(compte, etat["secret"], form.code.data,
                                        request.remote_addr, datetime.now(UTC))
        db.session.commit()
        if resultat.codes_de_secours is not None:
            ouvrir_session(compte)
            session[CODES_A_MONTRER] = {"codes": resultat.codes_de_secours,
                                        "suivant": etat["suivant"]}
            return redirect(url_for("auth.connexion_personnel_codes_de_secours"), 303)
        erreur = "Ce code ne correspond pas : vérifiez l’heure du téléphone et tapez le " \
                 "code affiché en ce moment."
        if resultat.bloque_jusqu_a is not None:
            erreur += _message_d_attente(resultat.bloque_jusqu_a)
    uri = double_facteur.adresse_de_provisionnement(etat["secret"], compte.identifiant,
                                                    EMETTEUR)
    return render_template("auth/enrolement.html", form=form, erreur=erreur,
                           qr=qr.dessiner(uri), emetteur=EMETTEUR,
                           identifiant=compte.identifiant,
                           secret=double_facteur.secret_groupe(etat["secret"])), \
        200 if erreur is None and not form.errors else 422


@bp.get("/connexion/personnel/codes-de-secours")
def connexion_personnel_codes_de_secours():
    # Shown once: taken out of the session as the page is drawn.
    a_montrer = session.pop(CODES_A_MONTRER, None)
    if not current_user.is_authenticated or not a_montrer:
        cible = accueil_du_personnel(current_user) if current_user.is_authenticated \
            and current_user.role in comptes.ROLES_DU_PERSONNEL \
            else url_for("auth.connexion_personnel")
        return redirect(cible, 303)
    return render_template("auth/codes_de_secours.html", codes=a_montrer["codes"],
                           suivant=a_montrer["suivant"])
