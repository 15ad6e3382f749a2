"""Listes de travail des agents

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-03 09:00:00.000000

Le refus d'une demande d'inscription par la mairie, avec son motif (sur l'inscription et dans son
historique) ; le traitement d'une demande de suppression : par qui, quand, et le motif d'un refus.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

AVANT = "statut IN ('demandee', 'validee', 'annulee')"
APRES = "statut IN ('demandee', 'validee', 'refusee', 'annulee')"


def _statuts(condition):
    with op.batch_alter_table('inscription', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inscription_statut'), type_='check')
        batch_op.create_check_constraint(op.f('ck_inscription_statut'), condition)


def upgrade():
    with op.batch_alter_table('inscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motif', sa.String(length=500), nullable=False,
                                      server_default=''))
    _statuts(APRES)
    with op.batch_alter_table('historique_inscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motif', sa.String(length=500), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('demande_suppression', schema=None) as batch_op:
        batch_op.add_column(sa.Column('traitee_par_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'traitee_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('motif', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_demande_suppression_traitee_par_id_compte'), 'compte',
            ['traitee_par_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('demande_suppression', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_demande_suppression_traitee_par_id_compte'),
                                 type_='foreignkey')
        batch_op.drop_column('motif')
        batch_op.drop_column('traitee_le')
        batch_op.drop_column('traitee_par_id')
    with op.batch_alter_table('historique_inscription', schema=None) as batch_op:
        batch_op.drop_column('motif')
    op.execute("UPDATE inscription SET statut = 'annulee' WHERE statut = 'refusee'")
    _statuts(AVANT)
    with op.batch_alter_table('inscription', schema=None) as batch_op:
        batch_op.drop_column('motif')
