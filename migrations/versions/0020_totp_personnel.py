"""Second facteur du personnel (TOTP) et codes de secours

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 09:00:00.000000

Un compte local du personnel a un secret TOTP (RFC 6238) enrôlé à sa première connexion, le
dernier pas de temps accepté (un code ne sert qu'une fois) et dix codes de secours à usage
unique, gardés sous leur empreinte.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column(
            'totp_active_le', portail_famille.models.base.Horodatage(timezone=True),
            nullable=True))
        batch_op.add_column(sa.Column('totp_dernier_pas', sa.BigInteger(), nullable=True))
    op.create_table(
        'code_secours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('compte_id', sa.Integer(), nullable=False),
        sa.Column('empreinte', sa.String(length=64), nullable=False),
        sa.Column('utilise_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(['compte_id'], ['compte.id'],
                                name=op.f('fk_code_secours_compte_id_compte'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code_secours')),
    )
    with op.batch_alter_table('code_secours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_secours_compte_id'), ['compte_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('code_secours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_secours_compte_id'))
    op.drop_table('code_secours')
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.drop_column('totp_dernier_pas')
        batch_op.drop_column('totp_active_le')
        batch_op.drop_column('totp_secret')
