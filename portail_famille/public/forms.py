"""Forms of the public pages."""


from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import StopValidation

from portail_famille.web.formulaires import ChampDecimal
from portail_famille.web.formulaires import MessagesEnFrancais
from portail_famille.web.formulaires import parts_fiscales


class ObligatoireEnMode:
    """The field is required when the form's `mode` is `mode`.

    Placed before Optional(): Optional stops the chain on an empty field, so a `validate_<champ>`
    method, which runs last, would never see the empty field it is meant to refuse.
    """

    def __init__(self, mode: str, message: str):
        self.mode = mode
        self.message = message

    def __call__(self, form, champ):
        if form.mode.data == self.mode and champ.data is None:
            raise StopValidation(self.message)


class SimulationForm(FlaskForm):
    """The simulator: a QF, or an RFR and a number of shares.

    The radio says which; when what was typed says otherwise (an RFR and shares typed with the
    radio left on « quotient familial », or only a QF under « avis d’impôt »), what was typed
    wins: the page works the same with JavaScript and :has() or without. The fields of the
    mode not used are ignored, even when what they hold is not a number.
    """

    class Meta(MessagesEnFrancais):
        csrf = False  # a GET form that writes nothing

    mode = RadioField(
        "Comment connaissez-vous vos revenus ?",
        choices=[("qf", "Je connais mon quotient familial"),
                 ("rfr", "J’ai mon avis d’impôt (revenu fiscal de référence)")],
        default="qf",
    )
    qf = ChampDecimal(
        "Quotient familial, en euros",
        description="Il figure sur votre attestation CAF ou MSA, par exemple 850.",
        validators=[ObligatoireEnMode("qf", "Saisissez votre quotient familial, par exemple 850."),
                    Optional(),
                    NumberRange(min=0, message="Le quotient ne peut pas être négatif.")],
    )
    rfr = ChampDecimal(
        "Revenu fiscal de référence, en euros",
        decimales=0,
        description="En première page de votre avis d’impôt, par exemple 37 760.",
        validators=[ObligatoireEnMode("rfr", "Saisissez votre revenu fiscal de référence."),
                    Optional(),
                    NumberRange(min=0, message="Le revenu ne peut pas être négatif.")],
    )
    parts = ChampDecimal(
        "Nombre de parts fiscales",
        description="Sur votre avis d’impôt, par exemple 2,5.",
        validators=[ObligatoireEnMode("rfr", "Saisissez le nombre de parts, par exemple 2,5."),
                    Optional(), parts_fiscales],
    )
    hors_commune = BooleanField("Nous n’habitons pas la commune")
    rang = SelectField(
        "Rang de l’enfant dans la fratrie inscrite",
        choices=[(1, "1er enfant (l’aîné)"), (2, "2e enfant"), (3, "3e enfant"),
                 (4, "4e enfant et suivants")],
        coerce=int,
        default=1,
        validators=[Optional()],
    )
    periode = SelectField("Année scolaire", validators=[Optional()])

    def mode_deduit(self) -> str | None:
        """The mode that what was typed calls for: the radio's, unless only one side is filled."""
        quotient = bool(self.qf.saisie)
        revenus = bool(self.rfr.saisie or self.parts.saisie)
        if quotient and not revenus:
            return "qf"
        if revenus and not quotient:
            return "rfr"
        return self.mode.data

    def validate(self, extra_validators=None) -> bool:
        self.mode.data = self.mode_deduit()
        super().validate(extra_validators)
        ignores = {"qf": (self.rfr, self.parts), "rfr": (self.qf,)}.get(self.mode.data, ())
        for champ in ignores:
            champ.errors = []
        return not self.errors
