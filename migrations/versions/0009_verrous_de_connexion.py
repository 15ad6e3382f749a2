"""Verrous de connexion du personnel

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:00:00.000000

Les échecs de connexion se comptent par identifiant saisi et par adresse, sous une empreinte :
au-delà d'un seuil, chaque échec double l'attente avant l'essai suivant.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'verrou_connexion',
        sa.Column('cle', sa.String(length=64), nullable=False),
        sa.Column('echecs', sa.Integer(), nullable=False),
        sa.Column('bloque_jusqu_a', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('modifie_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint('cle', name=op.f('pk_verrou_connexion')),
    )


def downgrade():
    op.drop_table('verrou_connexion')
