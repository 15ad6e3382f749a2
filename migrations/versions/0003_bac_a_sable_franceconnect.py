"""Bac à sable FranceConnect : codes d'autorisation et jetons d'accès

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00.000000

The tables exist in every database, sandbox or not, so that the schema is the same everywhere;
outside the sandbox they stay empty.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bac_a_sable_fc_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('redirect_uri', sa.String(length=500), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('nonce', sa.Text(), nullable=False),
    sa.Column('cle_identite', sa.String(length=64), nullable=False),
    sa.Column('amr_demande', sa.Boolean(), nullable=False),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bac_a_sable_fc_code')),
    sa.UniqueConstraint('empreinte', name=op.f('uq_bac_a_sable_fc_code_empreinte'))
    )
    op.create_table('bac_a_sable_fc_jeton',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('cle_identite', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('emis_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('revoque_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bac_a_sable_fc_jeton')),
    sa.UniqueConstraint('empreinte', name=op.f('uq_bac_a_sable_fc_jeton_empreinte'))
    )


def downgrade():
    op.drop_table('bac_a_sable_fc_jeton')
    op.drop_table('bac_a_sable_fc_code')
