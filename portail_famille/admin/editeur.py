"""The grid editor: a form per service, or the whole YAML text; both end in the same loader."""

from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

from portail_famille.admin import bp
from portail_famille.admin.commun import FORMULAIRE
from portail_famille.admin.commun import TEXTE
from portail_famille.admin.commun import apercu
from portail_famille.admin.commun import editeur
from portail_famille.admin.forms import HORS_COMMUNE
from portail_famille.admin.forms import EditeurGrilleForm
from portail_famille.admin.forms import EnregistrementGrilleForm
from portail_famille.admin.forms import formulaire_editeur
from portail_famille.extensions import db
from portail_famille.services import audit
from portail_famille.services import grilles
from portail_famille.web import contexte

# Button values: an action on a list carries the list's identifier (and the item's index).
DEPLACEMENTS = {"monter": -1, "descendre": 1}


@bp.get("/grille/modifier")
def grille_modifier():
    chargee = contexte.grille_chargee()
    vue = TEXTE if request.args.get("vue") == TEXTE else FORMULAIRE
    return editeur(chargee.texte, chargee.sha256, vue)


@bp.post("/grille/modifier")
def grille_modifier_envoi():
    form = EditeurGrilleForm()
    texte = form.texte_saisi()
    action = form.action.data or ""
    vue = FORMULAIRE if form.vue.data == FORMULAIRE else TEXTE
    if vue == FORMULAIRE:
        try:
            texte = appliquer_le_formulaire(texte, action)
        except grilles.TexteIllisible:
            # A tampered draft: the text view shows it, with the loader's errors.
            return editeur(texte, form.base.data, TEXTE, grilles.verifier(texte))
    if action == "vue_texte":
        vue = TEXTE
    elif action == "vue_formulaire":
        vue = FORMULAIRE
    erreurs = grilles.verifier(texte) if action == "verifier" else []
    if action == "verifier" and not erreurs:
        return apercu(texte, form.base.data)
    return editeur(texte, form.base.data, vue, erreurs)


@bp.post("/grille/enregistrer")
def grille_enregistrer():
    form = EnregistrementGrilleForm()
    texte = form.texte_saisi()
    erreurs = grilles.verifier(texte)
    if erreurs:
        return editeur(texte, form.base.data, TEXTE, erreurs)
    if not form.validate():
        return apercu(texte, form.base.data, form, 422)
    try:
        version = grilles.enregistrer(texte, form.base.data or "",
                                      auteur=current_user.nom_affiche,
                                      commentaire=form.commentaire.data.strip())
    except grilles.VersionDepassee:
        db.session.rollback()
        return conflit(texte, form.base.data, grilles.derniere_version())
    audit.consigner(grilles.EVENEMENT_MODIFICATION, compte_id=current_user.id,
                    detail=f"version {version.id} {version.sha256[:12]}")
    db.session.commit()
    # The grid in force switches only now, after the commit (T5); the other processes follow
    # within their refresh interval.
    contexte.oublier_grille()
    flash(f"La version n° {version.id} de la grille est enregistrée : elle est en vigueur.",
          "succes")
    return redirect(url_for("admin.grille"), 303)


def conflit(texte: str, base: str | None, en_vigueur):
    """409: another version landed since this edit started. The admin's text is kept, with
    what that version changed; the edit now starts from it."""
    depart = grilles.version_par_empreinte(base)
    changements = grilles.differences(depart.texte if depart else "", en_vigueur.texte)
    return editeur(texte, en_vigueur.sha256, TEXTE, statut=409,
                   conflit=(depart, en_vigueur, changements))


def appliquer_le_formulaire(texte: str, action: str) -> str:
    """The draft with the form's values written in, then the button's action applied."""
    brouillon = grilles.Brouillon(texte)
    plan = brouillon.plan()
    form = formulaire_editeur(plan)
    for champ in grilles.champs_du_plan(plan):
        # Only what the page sent: a field missing from the request keeps its value.
        if form[champ.identifiant].raw_data:
            brouillon.saisir(champ, form[champ.identifiant].data or "")
    for periode in plan:
        for service in periode.services:
            regle = form[f"{grilles.identifiant(service.chemin)}-hors_commune_regle"]
            if regle.raw_data and regle.data in {valeur for valeur, _ in HORS_COMMUNE}:
                brouillon.fixer_hors_commune(service.chemin, regle.data,
                                             form[service.hors_commune.identifiant].data or "")
        codes = form[f"{grilles.identifiant(periode.chemin)}-fratrie"]
        connus = {service.code for service in periode.services}
        brouillon.fixer_fratrie(periode.chemin, [c for c in codes.data or [] if c in connus])
    nom, _, reste = action.partition(":")
    liste_id, _, indice = reste.partition(":")
    liste = grilles.listes_du_plan(plan).get(liste_id)
    if nom == "annee_suivante":
        brouillon.ajouter_annee_suivante()
    elif liste is not None and nom == "ajouter":
        brouillon.ajouter(liste)
    elif liste is not None and indice.isdigit() and nom in DEPLACEMENTS:
        brouillon.deplacer(liste, int(indice), DEPLACEMENTS[nom])
    elif liste is not None and indice.isdigit() and nom == "supprimer":
        brouillon.supprimer(liste, int(indice))
    return brouillon.texte()
