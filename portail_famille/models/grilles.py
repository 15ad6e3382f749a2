"""The tariff grid's versions (tarifs.md §6)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models.base import Horodatage
from portail_famille.models.base import maintenant


class GrilleVersion(db.Model):
    """One version of the tariff grid, its YAML text kept exactly as written (tarifs.md §6)."""

    __tablename__ = "grille_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    texte: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    source: Mapped[str] = mapped_column(sa.String(16))  # fichier, admin, import
    auteur: Mapped[str] = mapped_column(sa.String(200))
    commentaire: Mapped[str] = mapped_column(sa.String(500), default="")
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    # The version this one replaced: unique, so that two saves started from the same version
    # cannot both land, however close together (securite.md T4).
    precedente_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grille_version.id"),
                                                      unique=True)
