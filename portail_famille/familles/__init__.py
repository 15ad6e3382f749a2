"""The family area blueprint; each module below adds its pages to `views.bp`."""

from portail_famille.familles import donnees  # noqa: F401 (registers its routes)
from portail_famille.familles import enfants  # noqa: F401 (registers its routes)
from portail_famille.familles import foyer  # noqa: F401 (registers its routes)
from portail_famille.familles import inscriptions  # noqa: F401 (registers its routes)
from portail_famille.familles import quotient  # noqa: F401 (registers its routes)
from portail_famille.familles import tarifs  # noqa: F401 (registers its routes)
from portail_famille.familles.views import bp

__all__ = ["bp"]
