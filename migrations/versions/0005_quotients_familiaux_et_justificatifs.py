"""Quotients familiaux et justificatifs

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-22 08:01:39.862126

"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('justificatif',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.String(length=16), nullable=False),
    sa.Column('type_mime', sa.String(length=40), nullable=False),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('contenu', sa.LargeBinary(), nullable=False),
    sa.Column('depose_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('statut', sa.String(length=12), nullable=False),
    sa.Column('traite_par_id', sa.Integer(), nullable=True),
    sa.Column('traite_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True),
    sa.Column('motif', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_justificatif_famille_id_famille'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['traite_par_id'], ['compte.id'], name=op.f('fk_justificatif_traite_par_id_compte'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_justificatif'))
    )
    with op.batch_alter_table('justificatif', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_justificatif_famille_id'), ['famille_id'], unique=False)

    op.create_table('quotient_familial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('fournisseur', sa.String(length=8), nullable=False),
    sa.Column('valeur', portail_famille.models.base.Montant(length=24), nullable=False),
    sa.Column('rfr', sa.Integer(), nullable=True),
    sa.Column('parts', portail_famille.models.base.Montant(length=24), nullable=True),
    sa.Column('annee', sa.Integer(), nullable=True),
    sa.Column('mois', sa.Integer(), nullable=True),
    sa.Column('annee_calcul', sa.Integer(), nullable=True),
    sa.Column('mois_calcul', sa.Integer(), nullable=True),
    sa.Column('annrev', sa.Integer(), nullable=True),
    sa.Column('recupere_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('depuis_cache', sa.Boolean(), nullable=False),
    sa.Column('justificatif_id', sa.Integer(), nullable=True),
    sa.Column('valide_par_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_quotient_familial_famille_id_famille'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['justificatif_id'], ['justificatif.id'], name=op.f('fk_quotient_familial_justificatif_id_justificatif'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['valide_par_id'], ['compte.id'], name=op.f('fk_quotient_familial_valide_par_id_compte'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotient_familial'))
    )
    with op.batch_alter_table('quotient_familial', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotient_familial_famille_id'), ['famille_id'], unique=False)

    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quotient_refuse_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.drop_column('quotient_refuse_le')

    with op.batch_alter_table('quotient_familial', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotient_familial_famille_id'))

    op.drop_table('quotient_familial')
    with op.batch_alter_table('justificatif', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_justificatif_famille_id'))

    op.drop_table('justificatif')
