"""The admin area's forms."""

from wtforms.validators import DataRequired

from portail_famille.web.formulaires import ChampDate
from portail_famille.web.formulaires import Formulaire


class CampagneRenouvellementForm(Formulaire):
    avant = ChampDate("Quotients qui ne compteront plus le",
                      description="En général, le jour de la rentrée (début de la prochaine "
                                  "période de la grille).",
                      validators=[DataRequired("Indiquez la date.")])
