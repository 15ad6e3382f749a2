"""What the grid's pages share: the editor on a text, and the preview of a proposed grid with
its impact on the families."""

from datetime import UTC
from datetime import datetime

from flask import render_template
from flask import request

from portail_famille.admin.forms import EditeurGrilleForm
from portail_famille.admin.forms import EnregistrementGrilleForm
from portail_famille.admin.forms import SeuilImpactForm
from portail_famille.admin.forms import formulaire_editeur
from portail_famille.services import grilles
from portail_famille.services import impact_tarifaire
from portail_famille.web import contexte
from portail_famille.web import graphiques

FORMULAIRE = "formulaire"
TEXTE = "texte"


def apercu(texte: str, base: str | None, form: EnregistrementGrilleForm | None = None,
           statut: int = 200, titre: str = "Aperçu de la nouvelle grille"):
    """A valid proposed grid beside the grid in force: each changed service's curves, its
    impact on the families enrolled, the changed lines of the text, and the form that saves
    it (the comment typed is kept when the impact is computed again with another threshold)."""
    actuelle = contexte.grille_chargee()
    proposee = grilles.lire(texte)
    modifies = grilles.services_modifies(actuelle.grille, proposee)
    dessins = [(service, graphiques.tracer(
        f"comparaison-{numero}", service.comparaison.courbe_apres, service.comparaison.qf_max,
        None, service.comparaison.courbe_avant or None))
        for numero, service in enumerate(modifies, 1)]
    form = form or EnregistrementGrilleForm(formdata=None, texte=texte, base=base,
                                            commentaire=request.form.get("commentaire", ""))
    seuil, seuil_form = impact_tarifaire.SEUIL_PAR_DEFAUT, SeuilImpactForm(
        None, seuil=impact_tarifaire.SEUIL_PAR_DEFAUT)
    if "seuil" in request.values:
        seuil_form = SeuilImpactForm(request.values)
        # A wrong threshold is said next to its field; the impact keeps the default meanwhile.
        if seuil_form.validate():
            seuil = seuil_form.seuil.data
    impacts = impact_tarifaire.dans_les_periodes_ouvertes(
        actuelle, proposee, datetime.now(UTC), seuil)
    return render_template("admin/grille_apercu.html", titre=titre, form=form, dessins=dessins,
                           impacts=[(impact, graphiques.histogramme(f"histogramme-{numero}",
                                                                    list(impact.ecarts)))
                                    for numero, impact in enumerate(impacts, 1)],
                           seuil_form=seuil_form,
                           differences=grilles.differences(actuelle.texte, texte),
                           en_vigueur=grilles.version(actuelle.version_id)), \
        422 if seuil_form.errors and statut == 200 else statut


def editeur(texte: str, base: str | None, vue: str, erreurs=(), statut: int | None = None,
            conflit=None):
    """The editor page on `texte`: the form view falls back to the text view when the text is
    not shaped like a grid. Errors go next to their field, and all of them in the summary."""
    plan = None
    if vue == FORMULAIRE:
        try:
            plan = grilles.Brouillon(texte).plan()
        except grilles.TexteIllisible:
            vue = TEXTE
            erreurs = erreurs or grilles.verifier(texte)
    donnees = {"formdata": None, "texte": texte, "base": base, "vue": vue}
    form = formulaire_editeur(plan, **donnees) if plan is not None else \
        EditeurGrilleForm(**donnees)
    placees = grilles.placer_erreurs(texte, list(erreurs),
                                     grilles.champs_du_plan(plan) if plan is not None else [])
    for erreur, champ_id in placees:
        if champ_id is not None:
            form[champ_id].errors = [*form[champ_id].errors, erreur.message]
    depart = grilles.version_par_empreinte(base)
    return render_template(
        "admin/grille_modifier.html", form=form, plan=plan, vue=vue, erreurs=placees,
        depart=depart, conflit=conflit,
        identifiant=grilles.identifiant,
    ), statut or (422 if erreurs else 200)
