"""Tâches de fond

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02 19:00:00.000000

Chaque tâche de fond (campagne de renouvellement, courriel, purge) a sa ligne : la file Redis ne
porte que son identifiant ; l'avancement, le rapport et l'état vivent ici.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tache',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nature', sa.String(length=40), nullable=False),
        sa.Column('cle', sa.String(length=200), nullable=True),
        sa.Column('parametres', sa.Text(), nullable=False),
        sa.Column('etat', sa.String(length=12), nullable=False),
        sa.Column('avance', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('rapport', sa.Text(), nullable=False),
        sa.Column('erreur', sa.String(length=200), nullable=False),
        sa.Column('tentatives', sa.Integer(), nullable=False),
        sa.Column('lancee_par_id', sa.Integer(), nullable=True),
        sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('commencee_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('terminee_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('vue_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.CheckConstraint("etat IN ('en_attente', 'en_cours', 'terminee', 'echouee')",
                           name=op.f('ck_tache_etat')),
        sa.ForeignKeyConstraint(['lancee_par_id'], ['compte.id'],
                                name=op.f('fk_tache_lancee_par_id_compte'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tache')),
        sa.UniqueConstraint('cle', name=op.f('uq_tache_cle')),
    )
    with op.batch_alter_table('tache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tache_etat'), ['etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_tache_nature'), ['nature'], unique=False)


def downgrade():
    with op.batch_alter_table('tache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tache_nature'))
        batch_op.drop_index(batch_op.f('ix_tache_etat'))
    op.drop_table('tache')
