"""A household's file: asked the reason once per session, then everything on one page."""

from datetime import date

from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.extensions import db
from portail_famille.mairie import bp
from portail_famille.mairie.commun import IDENTIFIANT
from portail_famille.mairie.commun import famille_ou_404
from portail_famille.mairie.commun import motif_donne
from portail_famille.mairie.commun import retenir_motif
from portail_famille.mairie.forms import MotifForm
from portail_famille.services import dossiers
from portail_famille.services import factures
from portail_famille.services import inscriptions
from portail_famille.services import justificatifs
from portail_famille.services import paiements
from portail_famille.services import recherche_familles
from portail_famille.services import tarifs_famille
from portail_famille.web import contexte
from portail_famille.web.redirections import cible_sure


@bp.route(f"/familles/<{IDENTIFIANT}:famille_id>", methods=["GET", "POST"])
def fiche(famille_id: int):
    famille = famille_ou_404(famille_id)
    if motif_donne(famille_id) is None:
        form = MotifForm()
        if not form.validate_on_submit():
            return render_template("mairie/motif.html", form=form,
                                   numero=recherche_familles.formater_numero(famille_id)), \
                422 if form.errors else 200
        dossiers.consigner_consultation(current_user, famille, form.motif.data)
        retenir_motif(famille_id, form.motif.data)
        db.session.commit()
        fiche_ = url_for("mairie.fiche", famille_id=famille_id)
        return redirect(cible_sure(request.args.get("suite"), fiche_), 303)
    if request.method == "POST":  # the reason sent twice (a double click): already recorded
        return redirect(url_for("mairie.fiche", famille_id=famille_id), 303)
    grille = contexte.grille()
    liens = tarifs_famille.Liens(
        quotient=url_for("mairie.fiche", famille_id=famille_id, _anchor="quotients"),
        foyer=url_for("mairie.fiche", famille_id=famille_id, _anchor="foyer"))
    dossier = dossiers.charger(famille, grille, date.today(), liens)
    # « Pourquoi ce tarif ? » reads `tarifs` from the context, as on « Mes tarifs ».
    return render_template("mairie/fiche.html", dossier=dossier, tarifs=dossier.tarifs,
                           motif=dossiers.MOTIFS.get(motif_donne(famille_id), ""),
                           libelles=inscriptions.libelles_des_services(grille),
                           natures=justificatifs.NATURES,
                           factures=factures.factures_de_la_famille(famille_id),
                           solde=factures.solde(famille_id),
                           paiements=paiements.operations_de_la_famille(famille_id),
                           encaissements=factures.encaissements_de_la_famille(famille_id),
                           services={code: service.libelle for periode in grille.periodes
                                     for code, service in periode.services.items()})
