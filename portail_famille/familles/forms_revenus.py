"""Forms of the income pages: identity lookup, numéro fiscal, supporting document."""

import re
from datetime import date

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from portail_famille.domaine import identifiants
from portail_famille.formulaires import Formulaire

# Letters (accents, Æ, Œ included), spaces, hyphens and apostrophes (securite.md I2).
NOM = r"^[A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’-]+$"
MESSAGE_NOM = "Lettres, espaces, traits d’union et apostrophes seulement."
PAYS = [
    ("99350", "Maroc"), ("99352", "Algérie"), ("99351", "Tunisie"), ("99139", "Portugal"),
    ("99134", "Espagne"), ("99127", "Italie"), ("99109", "Allemagne"), ("99131", "Belgique"),
    ("99132", "Royaume-Uni"), ("99208", "Turquie"), ("99114", "Roumanie"), ("99341", "Sénégal"),
    ("99335", "Mali"), ("99326", "Côte d’Ivoire"), ("99322", "Cameroun"),
    ("99216", "Chine"), ("99243", "Viêt Nam"), ("autre", "Autre pays"),
]
CONSENTEMENT_CAF = ("J’accepte que la mairie interroge la CAF ou la MSA avec ces informations, "
                    "pour obtenir mon quotient familial.")
CONSENTEMENT_DGFIP = ("J’accepte que la mairie interroge les impôts (DGFiP) avec ce numéro, pour "
                      "obtenir mon revenu fiscal de référence et mon nombre de parts.")


def _nom(obligatoire: bool, libelle: str, **kwargs):
    validateurs = [InputRequired(f"Indiquez {libelle.lower()}.")] if obligatoire else [Optional()]
    return StringField(libelle, validators=[*validateurs, Length(max=80),
                                            Regexp(NOM, message=MESSAGE_NOM)], **kwargs)


class IdentiteForm(Formulaire):
    """The allocataire's birth identity, as on the civil-status record (api-particulier §6)."""

    nom_naissance = _nom(True, "Nom de naissance",
                         description="Le nom inscrit sur l’acte de naissance.")
    nom_usage = _nom(False, "Nom d’usage", description="Facultatif, par exemple le nom d’époux.")
    prenom_1 = _nom(True, "Premier prénom")
    prenom_2 = _nom(False, "Deuxième prénom", description="Facultatif.")
    prenom_3 = _nom(False, "Troisième prénom", description="Facultatif.")
    sexe = RadioField("Sexe à l’état civil", choices=[("F", "Féminin"), ("M", "Masculin")],
                      validators=[InputRequired("Indiquez le sexe inscrit à l’état civil.")])
    date_naissance = DateField("Date de naissance",
                               validators=[InputRequired("Indiquez la date de naissance.")])
    lieu = RadioField("Lieu de naissance", choices=[("france", "En France"),
                                                    ("etranger", "À l’étranger")],
                      default="france",
                      validators=[InputRequired("Indiquez si la naissance a eu lieu en France.")])
    code_commune = StringField(
        "Code INSEE de la commune de naissance",
        description="5 caractères, par exemple 75107 ; prérempli par FranceConnect. À défaut, "
                    "indiquez le nom de la commune et le département.",
        validators=[Optional(), Length(max=5)])
    commune = StringField("Commune de naissance", validators=[Optional(), Length(max=80)])
    departement = StringField("Département de naissance",
                              description="Par exemple 69, 2A ou 974.",
                              validators=[Optional(), Regexp(r"^(\d{2}|2[AB]|97\d)$",
                                                             message="Par exemple 69, 2A ou 974.")])
    pays = SelectField("Pays de naissance", choices=PAYS, validators=[Optional()])
    code_pays = StringField("Code INSEE du pays", description="5 chiffres commençant par 99.",
                            validators=[Optional()])
    consentement = BooleanField(CONSENTEMENT_CAF, validators=[DataRequired(
        "Votre accord est nécessaire pour interroger la CAF ou la MSA.")])

    def validate_date_naissance(self, champ):
        if champ.data and not date(1900, 1, 1) <= champ.data < date.today():
            raise ValidationError("Indiquez une date de naissance passée, après 1900.")

    def validate_code_commune(self, champ):
        if self.lieu.data != "france":
            return
        if champ.data and not identifiants.code_commune_valide(champ.data.strip().upper()):
            raise ValidationError("Ce code INSEE n’est pas valide (5 caractères, ex. 75107).")
        if not champ.data and not (self.commune.data and self.departement.data):
            raise ValidationError("Indiquez le code INSEE, ou la commune et le département.")

    def validate_code_pays(self, champ):
        if self.lieu.data != "etranger":
            return
        if self.pays.data in (None, "", "autre") and not identifiants.code_pays_valide(
                (champ.data or "").strip()):
            raise ValidationError("Choisissez le pays, ou indiquez son code INSEE (99…).")

    def code_pays_naissance(self) -> str:
        if self.lieu.data == "france":
            return "99100"
        return self.pays.data if self.pays.data not in (None, "", "autre") else \
            self.code_pays.data.strip()


class NumeroFiscalForm(Formulaire):
    numero = StringField(
        "Numéro fiscal",
        description="13 chiffres, en haut à gauche de la première page de votre avis d’impôt.",
        validators=[InputRequired("Indiquez votre numéro fiscal.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    consentement = BooleanField(CONSENTEMENT_DGFIP, validators=[DataRequired(
        "Votre accord est nécessaire pour interroger les impôts.")])

    def validate_numero(self, champ):
        texte = re.sub(r"\s", "", champ.data or "")
        if not identifiants.numero_fiscal_valide(texte):
            raise ValidationError("Le numéro fiscal compte exactement 13 chiffres.")


class JustificatifForm(Formulaire):
    nature = RadioField("Document", choices=[
        ("attestation_caf", "Attestation de quotient familial (CAF ou MSA)"),
        ("avis_impot", "Avis d’impôt sur le revenu (toutes les pages)"),
    ], validators=[InputRequired("Choisissez le type de document.")])
    fichier = FileField("Fichier", description="PDF, JPEG ou PNG, 5 Mo au plus. Une photo "
                                               "lisible prise avec votre téléphone convient.",
                        validators=[FileRequired("Choisissez un fichier.")],
                        render_kw={"accept": "application/pdf,image/jpeg,image/png"})
