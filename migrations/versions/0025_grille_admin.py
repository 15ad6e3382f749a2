"""Versions de la grille : la version que chacune remplace, une seule fois

Revision ID: 0025
Revises: 0019
Create Date: 2026-12-03 09:00:00.000000

Chaque version nomme celle qu'elle remplace ; deux versions ne peuvent pas remplacer la même :
deux enregistrements partis de la même version, l'un après l'autre ou au même instant, ne
passent pas tous les deux (securite.md T4), sans verrou ni course entre lecture et écriture.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grille_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('precedente_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_grille_version_precedente_id_grille_version'),
                                    'grille_version', ['precedente_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_grille_version_precedente_id'),
                                          ['precedente_id'])


def downgrade():
    with op.batch_alter_table('grille_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_grille_version_precedente_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_grille_version_precedente_id_grille_version'),
                                 type_='foreignkey')
        batch_op.drop_column('precedente_id')
