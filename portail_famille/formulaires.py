"""Form pieces shared by every audience: French messages, decimals typed the French way."""

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

_ESPACES = re.compile(r"[\s\u00a0\u202f]")


class MessagesEnFrancais:
    """Form `Meta` mixin: WTForms' own messages in French ("N'est pas un choix valide.").

    Flask-WTF translates through Flask-Babel, which the portal does not use, so without this
    a tampered choice would be refused in English.
    """

    locales = ("fr_FR", "fr")

    def get_translations(self, form):
        return DefaultMeta.get_translations(self, form)


class Formulaire(FlaskForm):
    """A form whose WTForms messages (a tampered choice, a date that is not one) are French,
    for the few cases our own validators do not word."""

    class Meta(MessagesEnFrancais):
        pass


class ChampDecimal(Field):
    """A decimal typed as `1 258,67` or `1258.67`; keeps what was typed when it is wrong."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, decimales=2, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.decimales = decimales
        self.saisie = ""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data).replace(".", ",")

    def pre_validate(self, form):
        # Once the text is not a number, the range and "required" checks have nothing to say.
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist):
        self.data = None
        self.saisie = (valuelist[0] if valuelist else "").strip()
        if not self.saisie:
            return
        texte = _ESPACES.sub("", self.saisie).replace(",", ".")
        if not re.fullmatch(r"-?\d+(\.\d+)?", texte):
            raise ValueError("Saisissez un nombre, par exemple 1 258,67.")
        valeur = Decimal(texte)
        if valeur.as_tuple().exponent < -self.decimales:
            raise ValueError(f"Au plus {self.decimales} chiffres après la virgule.")
        self.data = valeur
