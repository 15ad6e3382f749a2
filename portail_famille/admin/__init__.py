"""Administration (the `admin` blueprint, /admin): admins only."""

from flask import Blueprint

from portail_famille.auth import gardes

bp = Blueprint("admin", __name__, url_prefix="/admin")
gardes.proteger(bp, "admin")

# The page groups register their routes on `bp`.
from portail_famille.admin import accueil  # noqa: E402, F401
from portail_famille.admin import campagnes  # noqa: E402, F401
from portail_famille.admin import editeur  # noqa: E402, F401
from portail_famille.admin import grille_tarifaire  # noqa: E402, F401
from portail_famille.admin import historique  # noqa: E402, F401
