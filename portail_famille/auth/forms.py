"""Forms of the sign-in pages."""

from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired

from portail_famille.web.formulaires import Formulaire


class ConnexionPersonnelForm(Formulaire):
    identifiant = StringField("Identifiant",
                              validators=[InputRequired("Saisissez votre identifiant.")],
                              render_kw={"autocomplete": "username"})
    mot_de_passe = PasswordField("Mot de passe",
                                 validators=[InputRequired("Saisissez votre mot de passe.")],
                                 render_kw={"autocomplete": "current-password"})
