"""The grid's history: every version, any two side by side, and a restore (a new version)."""

from flask import abort
from flask import render_template
from flask import request

from portail_famille.admin import bp
from portail_famille.admin.commun import TEXTE
from portail_famille.admin.commun import apercu
from portail_famille.admin.commun import editeur
from portail_famille.admin.forms import ComparaisonVersionsForm
from portail_famille.admin.forms import EnregistrementGrilleForm
from portail_famille.services import grilles
from portail_famille.web import contexte


def _version(version_id: int):
    version = grilles.version(version_id)
    if version is None:
        abort(404)
    return version


def _formulaire(versions) -> ComparaisonVersionsForm:
    form = ComparaisonVersionsForm(request.args)
    choix = [(v.id, f"n° {v.id} du {v.cree_le:%d/%m/%Y %H:%M} ({v.auteur})") for v in versions]
    form.de.choices = choix
    form.a.choices = choix
    if len(versions) > 1 and not request.args:
        form.de.data, form.a.data = versions[1].id, versions[0].id
    return form


@bp.get("/grille/versions")
def grille_versions():
    versions = grilles.historique()
    return render_template("admin/grille_versions.html", versions=versions,
                           form=_formulaire(versions),
                           en_vigueur=contexte.grille_chargee().version_id)


@bp.get("/grille/versions/comparer")
def grille_versions_comparer():
    versions = grilles.historique()
    form = _formulaire(versions)
    if not form.validate():
        return render_template("admin/grille_versions.html", versions=versions, form=form,
                               en_vigueur=contexte.grille_chargee().version_id), 422
    de, a = _version(form.de.data), _version(form.a.data)
    return render_template("admin/grille_comparer.html", de=de, a=a, form=form,
                           differences=grilles.differences(de.texte, a.texte))


@bp.get("/grille/versions/<int:version_id>/restaurer")
def grille_version_restaurer(version_id: int):
    # Only a preview: saving it, with its comment, adds a new version (securite.md T6).
    version = _version(version_id)
    base = contexte.grille_chargee().sha256
    erreurs = grilles.verifier(version.texte)
    if erreurs:
        # A version saved under older rules: its text opens in the editor, with what to fix.
        return editeur(version.texte, base, TEXTE, erreurs)
    form = EnregistrementGrilleForm(formdata=None, texte=version.texte, base=base,
                                    commentaire=f"Restauration de la version n° {version.id}")
    return apercu(version.texte, base, form,
                  titre=f"Restaurer la version n° {version.id}")
