"""Forms of the sign-in pages."""

from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired

from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import nettoyer


class ConnexionPersonnelForm(Formulaire):
    # An identifier of spaces only is an identifier left blank; a password is taken as typed.
    identifiant = StringField("Identifiant",
                              validators=[DataRequired("Indiquez votre identifiant.")],
                              filters=[nettoyer], render_kw={"autocomplete": "username"})
    mot_de_passe = PasswordField("Mot de passe",
                                 validators=[InputRequired("Indiquez votre mot de passe.")],
                                 render_kw={"autocomplete": "current-password"})


class CodePersonnelForm(Formulaire):
    code = StringField("Code de vérification",
                       description="Les 6 chiffres affichés par votre application "
                                   "d’authentification, ou l’un de vos codes de secours.",
                       validators=[DataRequired("Indiquez le code.")],
                       filters=[nettoyer],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none",
                                  "spellcheck": "false", "maxlength": 20})


class EnrolementForm(Formulaire):
    code = StringField("Code à 6 chiffres affiché par l’application",
                       description="Par exemple 123456.",
                       validators=[DataRequired("Indiquez le code affiché par l’application.")],
                       filters=[nettoyer],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "maxlength": 8})
