"""Renouvellement annuel des quotients familiaux

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-02 19:00:00.000000

Le consentement de la famille au renouvellement annuel, et une ligne par foyer de chaque
campagne : une campagne reprise après l'arrêt d'un travailleur ne traite chaque foyer qu'une fois.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'renouvellement_consenti_le', portail_famille.models.base.Horodatage(timezone=True),
            nullable=True))
    op.create_table(
        'renouvellement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tache_id', sa.Integer(), nullable=False),
        sa.Column('famille_id', sa.Integer(), nullable=False),
        sa.Column('etat', sa.String(length=12), nullable=False),
        sa.Column('raison', sa.String(length=40), nullable=False),
        sa.Column('tentatives', sa.Integer(), nullable=False),
        sa.Column('pris_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('traite_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.CheckConstraint(
            "etat IN ('a_faire', 'en_cours', 'renouvele', 'introuvable', 'echec')",
            name=op.f('ck_renouvellement_etat')),
        sa.ForeignKeyConstraint(['famille_id'], ['famille.id'],
                                name=op.f('fk_renouvellement_famille_id_famille'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tache_id'], ['tache.id'],
                                name=op.f('fk_renouvellement_tache_id_tache'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_renouvellement')),
        sa.UniqueConstraint('tache_id', 'famille_id',
                            name=op.f('uq_renouvellement_tache_id_famille_id')),
    )
    with op.batch_alter_table('renouvellement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renouvellement_etat'), ['etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_renouvellement_famille_id'), ['famille_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('renouvellement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renouvellement_famille_id'))
        batch_op.drop_index(batch_op.f('ix_renouvellement_etat'))
    op.drop_table('renouvellement')
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.drop_column('renouvellement_consenti_le')
