"""Courriels aux familles

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 20:00:00.000000

Les courriels décidés par une requête ou une tâche attendent ici qu'une tâche les envoie, après
la validation de ce qui les motive ; chaque nouvelle n'est envoyée qu'une fois (clé unique).
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'courriel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('famille_id', sa.Integer(), nullable=True),
        sa.Column('nature', sa.String(length=40), nullable=False),
        sa.Column('cle', sa.String(length=200), nullable=False),
        sa.Column('destinataire', sa.String(length=320), nullable=False),
        sa.Column('sujet', sa.String(length=200), nullable=False),
        sa.Column('texte', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('envoye_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('tentatives', sa.Integer(), nullable=False),
        sa.Column('erreur', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['famille_id'], ['famille.id'],
                                name=op.f('fk_courriel_famille_id_famille'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_courriel')),
        sa.UniqueConstraint('cle', name=op.f('uq_courriel_cle')),
    )
    with op.batch_alter_table('courriel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courriel_envoye_le'), ['envoye_le'], unique=False)
        batch_op.create_index(batch_op.f('ix_courriel_famille_id'), ['famille_id'], unique=False)


def downgrade():
    with op.batch_alter_table('courriel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courriel_famille_id'))
        batch_op.drop_index(batch_op.f('ix_courriel_envoye_le'))
    op.drop_table('courriel')
