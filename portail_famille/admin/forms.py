"""The admin area's forms."""

from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from portail_famille.services.grilles import champs_du_plan
from portail_famille.services.grilles import identifiant
from portail_famille.web.formulaires import CasesACocher
from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import ChampDecimal
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import nettoyer


class CampagneRenouvellementForm(Formulaire):
    avant = ChampDate("Quotients qui ne compteront plus le",
                      description="En général, le jour de la rentrée (début de la prochaine "
                                  "période de la grille).",
                      validators=[DataRequired("Indiquez la date.")])


class EditeurGrilleForm(Formulaire):
    """The grid editor: the draft text (a textarea in the text view, hidden in the form view),
    the hash of the version the edit started from (T4), and the button pressed."""

    texte = TextAreaField("Texte YAML de la grille", render_kw={"rows": 30, "spellcheck": "false"})
    base = HiddenField()
    vue = HiddenField()
    action = StringField()

    def texte_saisi(self) -> str:
        # Browsers send line breaks as CRLF; the text and its hash are written with LF.
        return (self.texte.data or "").replace("\r\n", "\n").replace("\r", "\n")


HORS_COMMUNE = [("", "le prix sans quotient (par défaut)"), ("prix", "un prix fixe"),
                ("majoration", "le prix calculé majoré d’un pourcentage")]


def formulaire_editeur(plan, **donnees) -> EditeurGrilleForm:
    """The editor with one field per value of `plan` (edition.plan), named after its path."""
    champs = {champ.identifiant: StringField(champ.libelle, default=champ.valeur)
              for champ in champs_du_plan(plan)}
    for periode in plan:
        champs[f"{identifiant(periode.chemin)}-fratrie"] = CasesACocher(
            "Services concernés", choices=[(s.code, s.libelle) for s in periode.services],
            default=periode.fratrie_services)
        for service in periode.services:
            champs[f"{identifiant(service.chemin)}-hors_commune_regle"] = SelectField(
                "Prix hors commune", choices=HORS_COMMUNE, default=service.hors_commune_regle)
    classe = type("EditeurGrilleDetailleForm", (EditeurGrilleForm,), champs)
    return classe(**donnees)


class EnregistrementGrilleForm(Formulaire):
    """Saving a previewed grid: its text, the hash it started from, and the council's decision."""

    texte = HiddenField()
    base = HiddenField()
    commentaire = StringField(
        "Commentaire : numéro de la délibération",
        description="Par exemple « Délibération n° 2026/0042 du 29 juin 2026 ». Il figure dans "
                    "l’historique des versions.",
        validators=[DataRequired("Indiquez le numéro de la délibération."),
                    Length(max=500, message="500 caractères au plus.")])

    texte_saisi = EditeurGrilleForm.texte_saisi


class ComparaisonVersionsForm(Formulaire):
    """Two versions of the history to compare side by side (a GET form: it writes nothing)."""

    class Meta(Formulaire.Meta):
        csrf = False

    de = SelectField("Version de départ", coerce=int)
    a = SelectField("Version d’arrivée", coerce=int)


ROLES = [("agent", "Agent"), ("admin", "Administrateur")]
NATURES = [("proconnect", "ProConnect (adresse électronique professionnelle)"),
           ("local", "Compte local (identifiant, mot de passe et double authentification)")]


class CreationCompteForm(Formulaire):
    nature = RadioField("Connexion", choices=NATURES, default="proconnect",
                        validators=[InputRequired("Choisissez le type de compte.")])
    courriel = StringField("Adresse électronique (ProConnect)", filters=[nettoyer],
                           description="Celle que l’agent utilise avec ProConnect.",
                           render_kw={"autocomplete": "off", "spellcheck": "false"})
    identifiant = StringField("Identifiant (compte local)", filters=[nettoyer],
                              description="Lettres sans accent, chiffres, « . », « - » et « _ ».",
                              render_kw={"autocomplete": "off", "spellcheck": "false"})
    mot_de_passe = PasswordField("Mot de passe initial (compte local)",
                                 description="Au moins 12 caractères, pas un mot de passe "
                                             "courant ; à transmettre à l’agent de vive voix.",
                                 render_kw={"autocomplete": "new-password"})
    role = SelectField("Rôle", choices=ROLES, default="agent")

    def validate(self, extra_validators=None):
        valide = super().validate(extra_validators)
        if self.nature.data == "proconnect" and not self.courriel.data:
            self.courriel.errors.append("Indiquez l’adresse électronique.")
            valide = False
        if self.nature.data == "local":
            if not self.identifiant.data:
                self.identifiant.errors.append("Indiquez l’identifiant.")
                valide = False
            if not self.mot_de_passe.data:
                self.mot_de_passe.errors.append("Indiquez le mot de passe initial.")
                valide = False
        return valide


class RoleForm(Formulaire):
    role = SelectField("Nouveau rôle", choices=ROLES)


class ActionCompteForm(Formulaire):
    """Deactivate, reactivate, reset the TOTP: nothing to type, the CSRF token only."""


class JournalForm(Formulaire):
    """The journal's filters, read from the address (a GET: nothing is written)."""

    class Meta(Formulaire.Meta):
        csrf = False

    du = ChampDate("Du", validators=[Optional()])
    au = ChampDate("Au", validators=[Optional()])
    acteur = SelectField("Compte du personnel", choices=[("", "Tous")], default="")
    type = SelectField("Type d’événement", choices=[("", "Tous")], default="")

    def validate_au(self, champ):
        if champ.data and self.du.data and champ.data < self.du.data:
            raise ValidationError("La date de fin doit suivre la date de début.")


class SeuilImpactForm(Formulaire):
    """The threshold of the impact's list of families, sent with the previewed grid's form
    (whose CSRF token covers it) or in a restore's query string: it writes nothing."""

    class Meta(Formulaire.Meta):
        csrf = False

    seuil = ChampDecimal(
        "Seuil de variation mensuelle (€)",
        description="Les familles dont l’estimation mensuelle monte ou baisse de plus que ce "
                    "montant sont listées.",
        validators=[InputRequired("Indiquez le seuil, en euros."),
                    NumberRange(min=0, max=99999, message="Un montant de 0 à 99 999 €.")],
        render_kw={"form": "form-grille", "autocomplete": "off"})
