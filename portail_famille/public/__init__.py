"""The public pages (the `public` blueprint): home, rate simulator and its JSON twin, legal and
accessibility pages. Anyone may read them."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# The page groups register their routes on `bp`.
from portail_famille.public import api  # noqa: E402, F401
from portail_famille.public import appels_payfip  # noqa: E402, F401
from portail_famille.public import pages  # noqa: E402, F401
from portail_famille.public import sante  # noqa: E402, F401
from portail_famille.public import simulateur  # noqa: E402, F401
