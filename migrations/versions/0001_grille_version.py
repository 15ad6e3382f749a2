"""Versions de la grille tarifaire

Revision ID: 0001
Revises:
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grille_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("auteur", sa.String(length=200), nullable=False),
        sa.Column("commentaire", sa.String(length=500), nullable=False),
        sa.Column("cree_le", portail_famille.models.base.Horodatage(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grille_version")),
    )
    with op.batch_alter_table("grille_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grille_version_sha256"), ["sha256"], unique=False)


def downgrade():
    with op.batch_alter_table("grille_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grille_version_sha256"))
    op.drop_table("grille_version")
