"""Sign-in and sign-out (the `auth` blueprint): FranceConnect for families, ProConnect or a
password and TOTP for town-hall staff; with the relying-party client, the server-side sessions
and the role guards."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

# The page groups register their routes on `bp`.
from portail_famille.auth import deconnexion  # noqa: E402, F401
from portail_famille.auth import franceconnect  # noqa: E402, F401
from portail_famille.auth import personnel  # noqa: E402, F401
from portail_famille.auth import proconnect  # noqa: E402, F401
