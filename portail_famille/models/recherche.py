"""The names the agents' search compares, kept beside the names themselves.

Accents and case are folded in Python by the domain's rule (`domaine.identite.normaliser`),
once per write: SQLite has no accent folding and PostgreSQL's `unaccent` is an extension a
host may not offer, so the database only compares plain upper-case ASCII.
"""

import sqlalchemy as sa

from portail_famille.domaine import identite
from portail_famille.models.comptes import Compte
from portail_famille.models.foyers import Enfant
from portail_famille.models.foyers import SecondAdulte

# Which columns name the person, per model.
NOMS = {Compte: ("prenoms", "nom_naissance", "nom_usage"), Enfant: ("prenoms", "nom"),
        SecondAdulte: ("prenoms", "nom")}


def texte_de_recherche(*noms: str | None) -> str:
    """The names normalised, framed by spaces: « Hélène d’Arc » → « HELENE D ARC », so that
    a search matches the start of any word with a LIKE on « % HEL% »."""
    return f" {identite.normaliser(' '.join(filter(None, noms)))} "


def _tenir_a_jour(mapper, connexion, cible) -> None:
    cible.nom_recherche = texte_de_recherche(*(getattr(cible, c) for c in NOMS[type(cible)]))


for _modele in NOMS:
    sa.event.listen(_modele, "before_insert", _tenir_a_jour)
    sa.event.listen(_modele, "before_update", _tenir_a_jour)
