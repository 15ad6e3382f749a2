"""Forms of the family area: household, children, enrolments, income lookups and documents,
personal data.

Allow-lists only (securite.md I2), French messages, and no field a family may not set: a QF,
a status, a role or a household id posted alongside is simply not read (A3).
"""

import re
from datetime import date

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from portail_famille.domaine import identifiants
from portail_famille.domaine import scolarite
from portail_famille.models.foyers import NIVEAUX
from portail_famille.services import foyers
from portail_famille.services.inscriptions import JOURS_OUVRES
from portail_famille.web.formulaires import MESSAGE_NOM
from portail_famille.web.formulaires import NOM
from portail_famille.web.formulaires import CasesACocher
from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import Identifiant
from portail_famille.web.formulaires import Version
from portail_famille.web.formulaires import au_moins_un
from portail_famille.web.formulaires import avec_une_lettre
from portail_famille.web.formulaires import nettoyer

# School names: letters, digits and common punctuation.
TEXTE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ' ’.,/°()-]+$"
MESSAGE_TEXTE = "Lettres, chiffres, espaces et ponctuation courante ( . , ’ - / ° ) seulement."
# What French postal lines hold (« Résidence “Les Lilas” », « 3 bis, rue d’Alsace & Lorraine »,
# « Bât. B #12 »): only characters no address has are refused.
ADRESSE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ '’\"“”«».,;:&#/°()+-]+$"
MESSAGE_ADRESSE = "Ce caractère ne peut pas figurer dans une adresse : retirez-le."
COMMUNE = r"^[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ '’().-]+$"
MESSAGE_COMMUNE = "Lettres, chiffres, espaces, traits d’union et apostrophes seulement."
TELEPHONE = re.compile(r"^(?:\+33|0)[1-9][0-9]{8}$")
COURRIEL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
AGE_MAXIMAL = 20  # years: the services are for school children
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


def chiffres(texte: str | None) -> str:
    """A phone number without its spaces, dots and hyphens."""
    return re.sub(r"[\s.-]", "", texte or "")


def majuscules(texte: str | None) -> str:
    """Trimmed and upper-cased: an INSEE code typed « 2a004 » is « 2A004 »."""
    return (texte or "").strip().upper()


def _nom(libelle: str, message: str, longueur: int, **kwargs) -> StringField:
    # DataRequired after the filter: a name of spaces only is a name left blank.
    return StringField(libelle, validators=[
        DataRequired(message), Length(max=longueur, message=f"{longueur} caractères au plus."),
        Regexp(NOM, message=MESSAGE_NOM), avec_une_lettre], filters=[nettoyer], **kwargs)


def _nom_civil(libelle: str, manquant: str | None = None, **kwargs):
    """A civil-status name; required when `manquant` words its absence."""
    validateurs = [DataRequired(manquant)] if manquant else [Optional()]
    return StringField(libelle, validators=[*validateurs, Length(max=80),
                                            Regexp(NOM, message=MESSAGE_NOM), avec_une_lettre],
                       filters=[nettoyer], **kwargs)


class FoyerForm(Formulaire):
    """The household's address; `reside` only where the grid lets the family declare it (the
    view removes it when the commune's postcodes decide)."""

    adresse_voie = StringField(
        "Numéro et voie", description="Par exemple : 12 rue de la République.",
        validators=[DataRequired("Indiquez le numéro et la voie."),
                    Length(max=120, message="120 caractères au plus."),
                    Regexp(ADRESSE, message=MESSAGE_ADRESSE)],
        filters=[nettoyer], render_kw={"autocomplete": "address-line1"})
    adresse_complement = StringField(
        "Complément d’adresse", description="Facultatif : bâtiment, étage, lieu-dit…",
        validators=[Optional(), Length(max=120, message="120 caractères au plus."),
                    Regexp(ADRESSE, message=MESSAGE_ADRESSE)],
        filters=[nettoyer], render_kw={"autocomplete": "address-line2"})
    code_postal = StringField(
        "Code postal", description="5 chiffres, par exemple 69002.",
        validators=[DataRequired("Indiquez le code postal.")],
        filters=[foyers.normaliser_code_postal],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code"})
    commune_residence = StringField(
        "Commune", validators=[DataRequired("Indiquez la commune."),
                               Length(max=80, message="80 caractères au plus."),
                               Regexp(COMMUNE, message=MESSAGE_COMMUNE), avec_une_lettre],
        filters=[nettoyer], render_kw={"autocomplete": "address-level2"})
    reside = RadioField(
        "Habitez-vous la commune ?", choices=[("oui", "Oui"), ("non", "Non, une autre commune")],
        validators=[InputRequired("Indiquez si vous habitez la commune.")])
    # The household is changed by the family and by the town hall (securite.md R1).
    version = Version()

    def validate_code_postal(self, champ):
        if not re.fullmatch(r"[0-9]{5}", champ.data):
            raise ValidationError("Le code postal compte 5 chiffres, par exemple 69002.")
        if not foyers.code_postal_valide(champ.data):
            raise ValidationError("Ce code postal n’existe pas : vérifiez-le sur un courrier.")


class ContestationResidenceForm(Formulaire):
    message = TextAreaField(
        "Précisions pour la mairie",
        description="Facultatif, 500 caractères au plus. Par exemple : nous avons déménagé à "
                    "Lyon le 1er novembre.",
        validators=[Optional(), Length(max=500, message="500 caractères au plus.")])


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
                    Regexp(COURRIEL, message="Par exemple : prenom.nom@exemple.fr.")],
        filters=[nettoyer], render_kw={"inputmode": "email", "autocomplete": "off"})

    def validate_telephone(self, champ):
        if champ.data and not TELEPHONE.match(champ.data):
            raise ValidationError("Un numéro français à 10 chiffres, par exemple 06 12 34 56 78.")


class EnfantForm(Formulaire):
    prenoms = _nom("Prénom(s)", "Indiquez le prénom.", 120)
    nom = _nom("Nom", "Indiquez le nom.", 80)
    date_naissance = ChampDate("Date de naissance",
                               validators=[DataRequired("Indiquez la date de naissance.")])
    niveau = SelectField("Classe", choices=[("", "Choisissez…"), *NIVEAUX.items()],
                         validators=[InputRequired("Choisissez la classe.")])
    # Shown only once the class looks unusual for the child's age: the family confirms it.
    niveau_confirme = BooleanField("Oui, c’est bien sa classe (une année sautée ou redoublée)")
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

    def __init__(self, *args, aujourd_hui: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourd_hui = aujourd_hui or date.today()
        self.rentree = scolarite.annee_de_la_rentree(self.aujourd_hui)
        # In December the class is this year's; in July, the one of the coming rentrée.
        self.niveau.label.text = ("Classe à la rentrée" if scolarite.avant_la_rentree(
            self.aujourd_hui) else f"Classe cette année ({self.rentree}-{self.rentree + 1})")
        self.niveau_inhabituel = False

    def validate(self, extra_validators=None):
        valide = super().validate(extra_validators)
        # Here rather than on the field: its Optional() ends the checks of an empty school.
        if not self.ecole.data and self.niveau.data in NIVEAUX.keys() - {"non_scolarise"}:
            self.ecole.errors.append("Indiquez l’école.")
            valide = False
        if self.ecole.data and self.niveau.data == "non_scolarise":
            self.ecole.errors.append("Un enfant pas encore scolarisé n’a pas d’école : laissez "
                                     "ce champ vide, ou choisissez sa classe.")
            valide = False
        naissance = self.date_naissance.data
        if (naissance and not self.date_naissance.errors and self.niveau.data in NIVEAUX
                and scolarite.inhabituel(self.niveau.data, naissance, self.rentree)):
            self.niveau_inhabituel = True
            if not self.niveau_confirme.data:
                attendus = " ou ".join(NIVEAUX[n] for n in scolarite.niveaux_attendus(
                    naissance, self.rentree))
                self.niveau.errors.append(
                    f"Un enfant né en {naissance.year} est d’habitude en {attendus} cette "
                    "année. Vérifiez la classe et la date de naissance ; si elles sont justes, "
                    "cochez la case de confirmation : la mairie en sera informée.")
                valide = False
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


class ReservationJourForm(Formulaire):
    """One day of the booking calendar: its button says whether to book or cancel it."""

    inscription = Identifiant()
    jour = ChampDate(validators=[DataRequired()])  # DataRequired: blank text passes InputRequired
    action = SelectField(choices=[("reserver", "Réserver"), ("annuler", "Annuler")],
                         validators=[InputRequired()])

    def validate_jour(self, champ):
        # Only a forged request names a day years away; its month could not even be drawn.
        if abs(champ.data.year - date.today().year) > 2:
            raise ValidationError("Ce jour est hors du calendrier scolaire.")


class PaiementForm(Formulaire):
    """« Payer cette facture en ligne »: only a token; the amount is the database's, never the
    browser's."""


class DemandeSuppressionForm(Formulaire):
    precisions = TextAreaField(
        "Précisions", description="Facultatif, 500 caractères au plus.",
        validators=[Optional(), Length(max=500, message="500 caractères au plus.")])
    confirmation = BooleanField(
        "Je demande la suppression du compte de mon foyer.",
        validators=[DataRequired("Cochez la case pour confirmer votre demande.")])


class IdentiteForm(Formulaire):
    """The allocataire's birth identity, as on the civil-status record (api-particulier §6)."""

    nom_naissance = _nom_civil("Nom de naissance", "Indiquez votre nom de naissance.",
                               description="Le nom inscrit sur l’acte de naissance.")
    nom_usage = _nom_civil("Nom d’usage", description="Facultatif, par exemple le nom d’époux.")
    prenom_1 = _nom_civil("Premier prénom", "Indiquez votre premier prénom.")
    prenom_2 = _nom_civil("Deuxième prénom", description="Facultatif.")
    prenom_3 = _nom_civil("Troisième prénom", description="Facultatif.")
    sexe = RadioField("Sexe à l’état civil", choices=[("F", "Féminin"), ("M", "Masculin")],
                      validators=[InputRequired("Indiquez le sexe inscrit à l’état civil.")])
    date_naissance = DateField("Date de naissance",
                               validators=[InputRequired("Indiquez votre date de naissance.")])
    lieu = RadioField("Lieu de naissance", choices=[("france", "En France"),
                                                    ("etranger", "À l’étranger")],
                      default="france",
                      validators=[InputRequired("Indiquez si la naissance a eu lieu en France.")])
    # No Optional() on the two codes: it would end their checks when they are empty, and the
    # rule that one of the ways of naming the birthplace is given would never run.
    code_commune = StringField(
        "Code INSEE de la commune de naissance",
        description="5 caractères, par exemple 75107 ; prérempli par FranceConnect. À défaut, "
                    "indiquez le nom de la commune et le département.",
        filters=[majuscules])
    commune = StringField("Commune de naissance", validators=[Optional(), Length(max=80)],
                          filters=[nettoyer])
    departement = StringField("Département de naissance",
                              description="Par exemple 69, 2A ou 974.",
                              validators=[Optional(), Regexp(r"^(\d{2}|2[AB]|97\d)$",
                                                             message="Par exemple 69, 2A ou 974.")],
                              filters=[majuscules])
    pays = SelectField("Pays de naissance", choices=PAYS, validators=[Optional()])
    code_pays = StringField("Code INSEE du pays", description="5 chiffres commençant par 99.",
                            filters=[majuscules])
    consentement = BooleanField(CONSENTEMENT_CAF, validators=[DataRequired(
        "Votre accord est nécessaire pour interroger la CAF ou la MSA.")])

    def validate_date_naissance(self, champ):
        if champ.data and not date(1900, 1, 1) <= champ.data < date.today():
            raise ValidationError("Indiquez une date de naissance passée, après 1900.")

    def validate_code_commune(self, champ):
        if self.lieu.data != "france":
            return
        if champ.data and not identifiants.code_commune_valide(champ.data):
            raise ValidationError("Ce code INSEE n’est pas valide (5 caractères, ex. 75107).")
        if not champ.data and not (self.commune.data and self.departement.data):
            raise ValidationError("Indiquez le code INSEE, ou la commune et le département.")

    def validate_code_pays(self, champ):
        if self.lieu.data != "etranger" or self.pays.data not in (None, "", "autre"):
            return
        if not champ.data:
            raise ValidationError("Indiquez le code INSEE du pays de naissance (99…), ou "
                                  "choisissez le pays dans la liste.")
        if not identifiants.code_pays_valide(champ.data) or champ.data == "99100":
            raise ValidationError("Le code INSEE d’un pays étranger compte 5 chiffres et "
                                  "commence par 99, par exemple 99139 pour le Portugal.")

    def code_pays_naissance(self) -> str:
        if self.lieu.data == "france":
            return "99100"
        return self.pays.data if self.pays.data not in (None, "", "autre") else self.code_pays.data


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

    def numero_normalise(self) -> str:
        """The 13 digits of a validated numéro fiscal, without spaces."""
        return identifiants.normaliser_numero_fiscal(self.numero.data)


class JustificatifForm(Formulaire):
    nature = RadioField("Document", choices=[
        ("attestation_caf", "Attestation de quotient familial (CAF ou MSA)"),
        ("avis_impot", "Avis d’impôt sur le revenu (toutes les pages)"),
    ], validators=[InputRequired("Choisissez le type de document.")])
    fichier = FileField("Fichier", description="PDF, JPEG ou PNG, 5 Mo au plus. Une photo "
                                               "lisible prise avec votre téléphone convient.",
                        validators=[FileRequired("Choisissez un fichier.")],
                        render_kw={"accept": "application/pdf,image/jpeg,image/png"})
