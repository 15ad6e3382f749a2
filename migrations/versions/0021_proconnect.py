"""Identité ProConnect des comptes du personnel

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:30:00.000000

Un compte du personnel créé pour une adresse ProConnect retient, à sa première connexion,
l'émetteur et le `sub` ProConnect de l'agent ; les connexions suivantes se font sur ce couple.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pc_issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('pc_sub', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint('uq_compte_pc', ['pc_issuer', 'pc_sub'])


def downgrade():
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.drop_constraint('uq_compte_pc', type_='unique')
        batch_op.drop_column('pc_sub')
        batch_op.drop_column('pc_issuer')
