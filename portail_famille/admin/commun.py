"""What the grid's pages share: the preview of a proposed grid, before it is saved."""

from flask import render_template

from portail_famille.admin.forms import EnregistrementGrilleForm
from portail_famille.services import grilles
from portail_famille.web import contexte
from portail_famille.web import graphiques


def apercu(texte: str, base: str | None, form: EnregistrementGrilleForm | None = None,
           statut: int = 200, titre: str = "Aperçu de la nouvelle grille"):
    """A valid proposed grid beside the grid in force: each changed service's curves, the
    changed lines of the text, and the form that saves it."""
    actuelle = contexte.grille_chargee()
    modifies = grilles.services_modifies(actuelle.grille, grilles.lire(texte))
    dessins = [(service, graphiques.tracer(
        f"comparaison-{numero}", service.comparaison.courbe_apres, service.comparaison.qf_max,
        None, service.comparaison.courbe_avant or None))
        for numero, service in enumerate(modifies, 1)]
    form = form or EnregistrementGrilleForm(formdata=None, texte=texte, base=base)
    return render_template("admin/grille_apercu.html", titre=titre, form=form, dessins=dessins,
                           differences=grilles.differences(actuelle.texte, texte),
                           en_vigueur=grilles.version(actuelle.version_id)), statut
