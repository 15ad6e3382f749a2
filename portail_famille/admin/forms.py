"""The admin area's forms."""

from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import nettoyer


class CampagneRenouvellementForm(Formulaire):
    avant = ChampDate("Quotients qui ne compteront plus le",
                      description="En général, le jour de la rentrée (début de la prochaine "
                                  "période de la grille).",
                      validators=[DataRequired("Indiquez la date.")])


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
