"""Forms of the back office: the search, the reason for opening a file, the corrections.

Allow-lists and French messages as everywhere (securite.md I2); the search is a GET form
without a CSRF token, as it writes nothing.
"""

from wtforms import RadioField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from portail_famille.domaine import recherche
from portail_famille.services.dossiers import MOTIFS
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import nettoyer

# Names, digits of a date, a postcode or a dossier number, and what separates them.
RECHERCHE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’/-]+$"


class RechercheForm(Formulaire):
    class Meta(Formulaire.Meta):
        csrf = False

    q = StringField(
        "Rechercher une famille",
        description="Nom ou prénom d’un adulte ou d’un enfant (avec ou sans accents), date de "
                    "naissance (JJ/MM/AAAA), code postal ou numéro de dossier (F-000042).",
        validators=[InputRequired("Saisissez un nom, une date de naissance, un code postal ou "
                                  "un numéro de dossier."),
                    Length(max=100, message="100 caractères au plus."),
                    Regexp(RECHERCHE, message="Lettres, chiffres, espaces, traits d’union, "
                                              "apostrophes et barres obliques seulement.")],
        filters=[nettoyer], render_kw={"autocomplete": "off", "type": "search"})

    def validate_q(self, champ):
        try:
            self.criteres = recherche.lire(champ.data)
        except recherche.RechercheInvalide as exc:
            raise ValidationError(str(exc)) from None


class MotifForm(Formulaire):
    motif = RadioField("Pourquoi ouvrez-vous ce dossier ?", choices=list(MOTIFS.items()),
                       validators=[InputRequired("Choisissez le motif de la consultation.")])
