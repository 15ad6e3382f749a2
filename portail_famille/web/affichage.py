"""The template filters: every amount, date and count of a page written the French way."""

from portail_famille.domaine import francais
from portail_famille.domaine import recherche

# For the messages views word themselves (a flash with an amount, a date).
euros = francais.euros
date_longue = francais.date_longue
heure = francais.heure
jour_et_date = francais.jour_et_date


def init_app(app) -> None:
    """Register the filters and the French names of months and days."""
    for filtre in (francais.euros, francais.nombre, francais.date_longue, francais.date_courte,
                   francais.decimal_court, francais.nombres_fr, francais.telephone,
                   francais.majuscule_initiale, francais.jour_et_date, francais.mois_annee):
        app.add_template_filter(filtre)
    app.add_template_filter(recherche.formater_numero, "numero_dossier")
    app.jinja_env.globals["JOURS"] = francais.JOURS
    app.jinja_env.globals["MOIS"] = francais.MOIS
