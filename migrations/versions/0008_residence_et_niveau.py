"""Contestations de résidence et classes à vérifier

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:00:00.000000

La résidence se déduit désormais de l'adresse quand la grille nomme les codes postaux de la
commune ; une famille qui conteste la conclusion le demande à la mairie. Une classe inhabituelle
pour l'âge de l'enfant, maintenue par la famille, est signalée aux agents.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contestation_residence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('famille_id', sa.Integer(), nullable=False),
        sa.Column('compte_id', sa.Integer(), nullable=True),
        sa.Column('demandee_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('statut', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['compte_id'], ['compte.id'],
                                name=op.f('fk_contestation_residence_compte_id_compte'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['famille_id'], ['famille.id'],
                                name=op.f('fk_contestation_residence_famille_id_famille'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contestation_residence')),
    )
    with op.batch_alter_table('contestation_residence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contestation_residence_famille_id'), ['famille_id'],
                              unique=False)
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('niveau_a_verifier', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.drop_column('niveau_a_verifier')
    with op.batch_alter_table('contestation_residence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contestation_residence_famille_id'))
    op.drop_table('contestation_residence')
