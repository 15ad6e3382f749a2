"""Town-hall staff sign in with an identifier and a password, never through FranceConnect."""

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
from portail_famille.services import audit
from portail_famille.services import comptes


@bp.route("/connexion/personnel", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def connexion_personnel():
    form = ConnexionPersonnelForm()
    erreur = None
    if form.validate_on_submit():
        compte = comptes.authentifier_personnel(form.identifiant.data, form.mot_de_passe.data)
        if compte is not None:
            audit.consigner("connexion_personnel", compte_id=compte.id)
            db.session.commit()
            ouvrir_session(compte)
            defaut = url_for("admin.accueil" if compte.role == "admin" else "mairie.accueil")
            return redirect(cible_sure(request.args.get("next"), defaut), 303)
        audit.consigner("echec_connexion", detail="personnel")
        db.session.commit()
        erreur = "Identifiant ou mot de passe incorrect."
    return render_template("auth/connexion_personnel.html", form=form, erreur=erreur), \
        200 if erreur is None and not form.errors else 422
