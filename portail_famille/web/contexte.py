"""What every page may read of the app: the settings, the grid in force, the school calendar,
the API clients, and
the context shared by every template (commune, sandbox banner, the audience's navigation)."""

from flask import current_app
from flask import request
from flask_login import current_user

from portail_famille.config import Configuration
from portail_famille.connecteurs.payfip import ClientPayFiP
from portail_famille.domaine.calendrier_scolaire import Calendrier
from portail_famille.domaine.grille import Grille
from portail_famille.services.clients_api import Clients
from portail_famille.services.grilles import GrilleChargee

# Each audience's menu, in the order read; an item is current on its endpoint, or anywhere in
# its blueprint for the entries that name one.
NAVIGATION = {
    "anonyme": (("public.simulateur", "Simulateur de tarifs", None),
                ("auth.connexion", "Espace famille", None)),
    "famille": (("familles.accueil", "Mon espace", None),
                ("familles.quotient", "Mon quotient", None),
                ("familles.foyer", "Mon foyer", None),
                ("familles.enfants", "Mes enfants", None),
                ("familles.inscriptions", "Inscriptions", None),
                ("familles.reservations", "Réservations", None),
                ("familles.tarifs", "Mes tarifs", None),
                ("familles.factures", "Mes factures", None),
                ("familles.donnees", "Mes données", None)),
    "agent": (("mairie.accueil", "Mairie", "mairie"),),
    "admin": (("mairie.accueil", "Mairie", "mairie"),
              ("admin.accueil", "Administration", "admin")),
}


# Where « Revenir à l’accueil » leads each audience.
ACCUEILS = {"anonyme": "public.accueil", "famille": "familles.accueil",
            "agent": "mairie.accueil", "admin": "admin.accueil"}


def config() -> Configuration:
    """The portal's settings."""
    return current_app.extensions["portail"]


def grille_chargee() -> GrilleChargee:
    """The grid in force with its text and version; raise the seed file's error if unreadable."""
    return current_app.extensions["grille"].obtenir()


def grille() -> Grille:
    """The grid in force."""
    return grille_chargee().grille


def oublier_grille() -> None:
    """After a commit that added a version: this process serves it at once (the others within
    their refresh interval, tarifs.md §6)."""
    current_app.extensions["grille"].oublier()


def calendrier() -> Calendrier:
    """The school calendar read at boot; raise its file's error when it could not be read."""
    return current_app.extensions["calendrier"].obtenir()


def clients() -> Clients:
    """The income APIs' clients."""
    return current_app.extensions["revenus"]


def payfip() -> ClientPayFiP | None:
    """PayFiP's client, None when the commune offers no online payment."""
    return current_app.extensions["payfip"]


def _audience() -> str:
    return current_user.role if current_user.is_authenticated else "anonyme"


def accueil() -> str:
    """The endpoint of the current audience's home page."""
    return ACCUEILS.get(_audience(), "public.accueil")


def navigation() -> list[tuple[str, str, bool]]:
    """The current audience's menu: (endpoint, label, whether it is the current page)."""
    role = _audience()
    return [(endpoint, libelle, request.endpoint == endpoint
             or (blueprint is not None and request.blueprint == blueprint))
            for endpoint, libelle, blueprint in NAVIGATION.get(role, ())]


def init_app(app) -> None:
    """The context of every template."""

    @app.context_processor
    def contexte_commun():
        return {"portail": config(), "commune": grille().commune, "navigation": navigation,
                "accueil": accueil}
