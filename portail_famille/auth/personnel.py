"""Town-hall staff sign in with an identifier and a password, never through FranceConnect."""

from datetime import UTC
from datetime import datetime

from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from portail_famille.auth import bp
from portail_famille.auth.commun import ouvrir_session
from portail_famille.auth.forms import ConnexionPersonnelForm
from portail_famille.auth.redirections import cible_sure
from portail_famille.extensions import db
from portail_famille.extensions import limiter
from portail_famille.services import comptes
from portail_famille.web import affichage


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
            ouvrir_session(resultat.compte)
            defaut = url_for("admin.accueil" if resultat.compte.role == "admin"
                             else "mairie.accueil")
            return redirect(cible_sure(request.args.get("next"), defaut), 303)
        erreur = "Identifiant ou mot de passe incorrect."
        if resultat.bloque_jusqu_a is not None:
            # The same words for every identifier: a lock tells nothing of who exists.
            erreur += (" Après plusieurs essais, par sécurité, la connexion est suspendue : "
                       f"réessayez à partir de {affichage.heure(resultat.bloque_jusqu_a)}.")
    return render_template("auth/connexion_personnel.html", form=form, erreur=erreur), \
        200 if erreur is None and not form.errors else 422
