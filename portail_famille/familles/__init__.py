"""The family area (the `familles` blueprint, /espace-famille): only a signed-in family adult,
only their own household."""

from flask import Blueprint

from portail_famille.auth import gardes

bp = Blueprint("familles", __name__, url_prefix="/espace-famille")
gardes.proteger(bp, "famille")

# The page groups register their routes on `bp`.
from portail_famille.familles import accueil  # noqa: E402, F401
from portail_famille.familles import mes_donnees  # noqa: E402, F401
from portail_famille.familles import mes_enfants  # noqa: E402, F401
from portail_famille.familles import mes_factures  # noqa: E402, F401
from portail_famille.familles import mes_inscriptions  # noqa: E402, F401
from portail_famille.familles import mes_paiements  # noqa: E402, F401
from portail_famille.familles import mes_reservations  # noqa: E402, F401
from portail_famille.familles import mes_tarifs  # noqa: E402, F401
from portail_famille.familles import mon_foyer  # noqa: E402, F401
from portail_famille.familles import mon_quotient  # noqa: E402, F401
