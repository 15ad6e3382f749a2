"""The back office's forms."""

from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length

from portail_famille.models.reservations import ETATS_POINTAGE
from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import Formulaire
from portail_famille.web.formulaires import Identifiant
from portail_famille.web.formulaires import MessagesEnFrancais


class ChoixPointageForm(Formulaire):
    """Which list to mark: read from the address (GET), so a tablet can bookmark it."""

    class Meta(MessagesEnFrancais):
        csrf = False  # a GET form that writes nothing

    ecole = SelectField("École", validators=[InputRequired("Choisissez une école.")])
    service = SelectField("Service", validators=[InputRequired("Choisissez un service.")])
    jour = ChampDate("Jour", validators=[DataRequired("Indiquez le jour.")])


class MarqueForm(Formulaire):
    """One child's mark; the button pressed carries the state."""

    ecole = StringField(validators=[InputRequired(), Length(max=120)])
    service = StringField(validators=[InputRequired(), Length(max=60)])
    jour = ChampDate(validators=[DataRequired()])  # DataRequired: blank text passes InputRequired
    enfant = Identifiant()
    etat = SelectField(choices=list(ETATS_POINTAGE.items()), validators=[InputRequired()])
