"""Forms of the household, children, enrolment and personal-data pages.

Allow-lists only (securite.md I2), French messages, and no field a family may not set: a QF,
a status, a role or a household id posted alongside is simply not read (A3).
"""

import re
from datetime import date

from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput
from wtforms.widgets import HiddenInput
from wtforms.widgets import ListWidget

from portail_famille.familles.forms_revenus import MESSAGE_NOM
from portail_famille.familles.forms_revenus import NOM
from portail_famille.formulaires import Formulaire
from portail_famille.models.foyers import JOURS_OUVRES
from portail_famille.models.foyers import NIVEAUX

# Addresses and school names: letters, digits and the punctuation of a postal line.
TEXTE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’.,/°()-]+$"
MESSAGE_TEXTE = "Lettres, chiffres, espaces et ponctuation courante ( . , ' - / ° ) seulement."
TELEPHONE = re.compile(r"^(?:\+33|0)[1-9][0-9]{8}$")
COURRIEL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
AGE_MAXIMAL = 20  # years: the services are for school children


def avec_une_lettre(form, champ):
    """A name is not only spaces, hyphens or apostrophes."""
    if champ.data and not any(c.isalpha() for c in champ.data):
        raise ValidationError(MESSAGE_NOM)


def sans_controle(form, champ):
    """Free text holds no control character (PostgreSQL refuses NUL; logs must stay readable)."""
    if champ.data and any(ord(c) < 32 and c not in "\r\n\t" for c in champ.data):
        raise ValidationError("Ce texte contient des caractères non autorisés.")


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


def chiffres(texte: str | None) -> str:
    """A phone number without its spaces, dots and hyphens."""
    return re.sub(r"[\s.-]", "", texte or "")


def _nom(libelle: str, message: str, longueur: int, **kwargs) -> StringField:
    return StringField(libelle, validators=[
        InputRequired(message), Length(max=longueur, message=f"{longueur} caractères au plus."),
        Regexp(NOM, message=MESSAGE_NOM), avec_une_lettre], filters=[nettoyer], **kwargs)


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


class FoyerForm(Formulaire):
    adresse_voie = StringField(
        "Numéro et voie", description="Par exemple : 12 rue de la République.",
        validators=[InputRequired("Indiquez le numéro et la voie."),
                    Length(max=120, message="120 caractères au plus."),
                    Regexp(TEXTE, message=MESSAGE_TEXTE)],
        filters=[nettoyer], render_kw={"autocomplete": "address-line1"})
    adresse_complement = StringField(
        "Complément d’adresse", description="Facultatif : bâtiment, étage, lieu-dit…",
        validators=[Optional(), Length(max=120, message="120 caractères au plus."),
                    Regexp(TEXTE, message=MESSAGE_TEXTE)],
        filters=[nettoyer], render_kw={"autocomplete": "address-line2"})
    code_postal = StringField(
        "Code postal", validators=[InputRequired("Indiquez le code postal."),
                                   Regexp(r"^[0-9]{5}$",
                                          message="Le code postal compte 5 chiffres.")],
        filters=[nettoyer], render_kw={"inputmode": "numeric", "autocomplete": "postal-code"})
    commune_residence = _nom("Commune", "Indiquez la commune.", 80,
                             render_kw={"autocomplete": "address-level2"})
    reside = RadioField(
        "Habitez-vous la commune ?", choices=[("oui", "Oui"), ("non", "Non, une autre commune")],
        validators=[InputRequired("Indiquez si vous habitez la commune.")])


class SecondAdulteForm(Formulaire):
    prenoms = _nom("Prénom(s)", "Indiquez le prénom.", 120,
                   render_kw={"autocomplete": "off"})
    nom = _nom("Nom", "Indiquez le nom.", 80, render_kw={"autocomplete": "off"})
    telephone = StringField(
        "Téléphone", description="Facultatif. Par exemple : 06 12 34 56 78.",
        validators=[Optional()], filters=[chiffres],
        render_kw={"inputmode": "tel", "autocomplete": "off"})
    courriel = StringField(
        "Adresse électronique", description="Facultatif.",
        validators=[Optional(), Length(max=254, message="254 caractères au plus."),
                    Regexp(COURRIEL, message="Par exemple : prenom.nom@exemple.fr."),
                    sans_controle],
        filters=[nettoyer], render_kw={"inputmode": "email", "autocomplete": "off"})

    def validate_telephone(self, champ):
        if champ.data and not TELEPHONE.match(champ.data):
            raise ValidationError("Un numéro français à 10 chiffres, par exemple 06 12 34 56 78.")


class EnfantForm(Formulaire):
    prenoms = _nom("Prénom(s)", "Indiquez le prénom.", 120)
    nom = _nom("Nom", "Indiquez le nom.", 80)
    date_naissance = ChampDate("Date de naissance",
                               validators=[DataRequired("Indiquez la date de naissance.")])
    niveau = SelectField("Classe à la rentrée", choices=[("", "Choisissez…"), *NIVEAUX.items()],
                         validators=[InputRequired("Choisissez la classe.")])
    ecole = StringField(
        "École", description="Par exemple : école Jean-Macé. Laissez vide si votre enfant n’est "
                             "pas encore scolarisé.",
        validators=[Optional(), Length(max=120, message="120 caractères au plus."),
                    Regexp(TEXTE, message=MESSAGE_TEXTE)], filters=[nettoyer])

    def validate_date_naissance(self, champ):
        aujourd_hui = date.today()
        if champ.data > aujourd_hui:
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        # Day 28 at most, so that 29 February has a date 20 years before (a few days' leeway).
        if champ.data < aujourd_hui.replace(year=aujourd_hui.year - AGE_MAXIMAL,
                                            day=min(aujourd_hui.day, 28)):
            raise ValidationError(f"Les services accueillent des enfants de moins de "
                                  f"{AGE_MAXIMAL} ans : vérifiez l’année.")

    def validate(self, extra_validators=None):
        valide = super().validate(extra_validators)
        # Here rather than on the field: its Optional() ends the checks of an empty school.
        if not self.ecole.data and self.niveau.data in NIVEAUX.keys() - {"non_scolarise"}:
            self.ecole.errors.append("Indiquez l’école.")
            return False
        return valide


class ModificationEnfantForm(EnfantForm):
    version = Version()


def _jours() -> CasesACocher:
    return CasesACocher("Jours de présence", choices=[(j, j.capitalize()) for j in JOURS_OUVRES],
                        validators=[au_moins_un("Cochez au moins un jour.")])


def _date_debut() -> ChampDate:
    return ChampDate("À partir du", validators=[DataRequired("Indiquez la date de début.")])


class InscriptionForm(Formulaire):
    enfants = CasesACocher("Enfant(s) à inscrire", coerce=int,
                           validators=[au_moins_un("Cochez au moins un enfant.")])
    service = SelectField("Service", validators=[InputRequired("Choisissez le service.")])
    jours = _jours()
    date_debut = _date_debut()


class ModificationInscriptionForm(Formulaire):
    jours = _jours()
    date_debut = _date_debut()
    version = Version()


class AnnulationInscriptionForm(Formulaire):
    version = Version()


class DemandeSuppressionForm(Formulaire):
    precisions = TextAreaField(
        "Précisions", description="Facultatif, 500 caractères au plus.",
        validators=[Optional(), Length(max=500, message="500 caractères au plus."),
                    sans_controle])
    confirmation = BooleanField(
        "Je demande la suppression du compte de mon foyer.",
        validators=[DataRequired("Cochez la case pour confirmer votre demande.")])
