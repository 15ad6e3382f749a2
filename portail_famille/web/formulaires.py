"""Form pieces shared by every audience: French messages, the allow-lists of names, decimals and
dates typed the French way, checkboxes, the version of an edited record."""

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import Field
from wtforms import IntegerField
from wtforms import SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput
from wtforms.widgets import HiddenInput
from wtforms.widgets import ListWidget
from wtforms.widgets import TextInput

QUART = Decimal("0.25")
# No household has this many tax shares; the bound also keeps `%` within Decimal's precision.
PARTS_MAX = Decimal(99)
_ESPACES = re.compile(r"[\s\u00a0\u202f]")
# Letters (accents, Æ, Œ included), spaces, hyphens and apostrophes (securite.md I2).
NOM = r"^[A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’-]+$"
MESSAGE_NOM = "Lettres, espaces, traits d’union et apostrophes seulement."


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


def avec_une_lettre(form, champ):
    """A name is not only spaces, hyphens or apostrophes."""
    if champ.data and not any(c.isalpha() for c in champ.data):
        raise ValidationError(MESSAGE_NOM)


def parts_fiscales(form, champ):
    """Tax shares are positive, in steps of a quarter (securite.md I2)."""
    if champ.data is None:
        return
    if champ.data > PARTS_MAX:
        raise ValidationError(f"Le nombre de parts ne peut pas dépasser {PARTS_MAX}.")
    if champ.data <= 0 or champ.data % QUART:
        raise ValidationError("Le nombre de parts est positif, par quarts : 1 ; 1,5 ; 2,75…")


def au_moins_un(message: str):
    """At least one box ticked; unlike DataRequired, it does not mark each box `required`
    (screen readers would announce every checkbox of the group as mandatory)."""

    def verifier(form, champ):
        if not champ.data:
            raise StopValidation(message)

    return verifier


def nettoyer(texte: str | None) -> str:
    """Trimmed, with runs of spaces made one."""
    return " ".join((texte or "").split())


class ChampDate(DateField):
    """A date from the browser's date picker (AAAA-MM-JJ) or typed as JJ/MM/AAAA."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            # Left empty: "required" has its own message, clearer than "not a date".
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Indiquez une date valide, par exemple 14/02/2019.") from None

    def pre_validate(self, form):
        # Once the text is not a date, the other checks have nothing to say.
        if self.process_errors:
            raise StopValidation()


class CasesACocher(SelectMultipleField):
    """Checkboxes for a list of choices, rendered with the `radios` macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError("Choisissez parmi les cases proposées.") from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        valides = {valeur for valeur, *_ in self.iter_choices()}
        if any(valeur not in valides for valeur in self.data or []):
            raise ValidationError("Choisissez parmi les cases proposées.")


class Version(IntegerField):
    """The version of the record the form was loaded with (optimistic concurrency, R1)."""

    widget = HiddenInput()

    def __init__(self, label="Version", validators=None, **kwargs):
        super().__init__(label, validators or [InputRequired()], **kwargs)


class Identifiant(IntegerField):
    """A record's id posted by a form: beyond an INTEGER column's range it is refused before
    any query (PostgreSQL would refuse the query itself)."""

    def __init__(self, label="Identifiant", validators=None, **kwargs):
        super().__init__(label, validators or [InputRequired(), NumberRange(1, 2147483647)],
                         **kwargs)
