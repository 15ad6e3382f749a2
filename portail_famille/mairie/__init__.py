"""The agents' back office (the `mairie` blueprint, /mairie): agents and admins only."""

from flask import Blueprint

from portail_famille.auth import gardes

bp = Blueprint("mairie", __name__, url_prefix="/mairie")
gardes.proteger(bp, "agent", "admin")

# The page groups register their routes on `bp`.
from portail_famille.mairie import accueil  # noqa: E402, F401
from portail_famille.mairie import campagnes_de_facturation  # noqa: E402, F401
from portail_famille.mairie import commun  # noqa: E402, F401
from portail_famille.mairie import demandes_d_inscription  # noqa: E402, F401
from portail_famille.mairie import demandes_de_suppression  # noqa: E402, F401
from portail_famille.mairie import exports  # noqa: E402, F401
from portail_famille.mairie import fiches  # noqa: E402, F401
from portail_famille.mairie import pieces_a_verifier  # noqa: E402, F401
from portail_famille.mairie import pointage  # noqa: E402, F401
from portail_famille.mairie import quotients_a_echeance  # noqa: E402, F401
from portail_famille.mairie import saisies  # noqa: E402, F401
