"""The audit journal (/admin/journal): sign-ins, refusals, consultations, account changes."""

from flask import render_template
from flask import request

from portail_famille.admin import bp
from portail_famille.admin.forms import JournalForm
from portail_famille.services import lecture_journal
from portail_famille.web import affichage


@bp.get("/journal")
def journal_liste():
    form = JournalForm(formdata=request.args)
    form.acteur.choices = [("", "Tous"),
                           *((str(i), nom) for i, nom in lecture_journal.acteurs())]
    form.type.choices = [("", "Tous"),
                         *sorted(lecture_journal.LIBELLES.items(), key=lambda c: c[1])]
    # Without any filter the form is not "submitted": the whole journal, newest first.
    valide = not request.args or form.validate()
    page = lecture_journal.lire(lecture_journal.Filtres(
        form.du.data, form.au.data, int(form.acteur.data) if form.acteur.data else None,
        form.type.data or None), request.args.get("page", 1, type=int)) if valide else None
    filtres = {cle: valeur for cle, valeur in request.args.items() if cle != "page" and valeur}
    return render_template("admin/journal.html", form=form, page=page, filtres=filtres,
                           date=affichage.date_longue, heure=affichage.heure), \
        200 if valide else 422
