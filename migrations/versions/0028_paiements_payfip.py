"""Paiements en ligne PayFiP : une ligne par opération (idOp)

Revision ID: 0028
Revises: 0020
Create Date: 2026-12-03 14:15:00.000000

Chaque paiement commencé est noté avec son idOp avant que le navigateur ne parte chez PayFiP ;
son état (en_attente, payee, refusee, annulee) suit l'appel de détail. La facture et le foyer
sont des entiers sans clé étrangère : celle-ci vient avec les tables des factures.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'operation_paiement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('id_op', sa.String(length=64), nullable=False),
        sa.Column('facture_id', sa.Integer(), nullable=False),
        sa.Column('famille_id', sa.Integer(), nullable=False),
        sa.Column('refdet', sa.String(length=30), nullable=False),
        sa.Column('exer', sa.Integer(), nullable=False),
        sa.Column('montant_centimes', sa.Integer(), nullable=False),
        sa.Column('etat', sa.String(length=12), nullable=False),
        sa.Column('resultrans', sa.String(length=1), nullable=True),
        sa.Column('numauto', sa.String(length=16), nullable=True),
        sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('verifie_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('termine_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.CheckConstraint("etat IN ('en_attente', 'payee', 'refusee', 'annulee')",
                           name=op.f('ck_operation_paiement_etat')),
        sa.CheckConstraint('montant_centimes BETWEEN 100 AND 10000000',
                           name=op.f('ck_operation_paiement_montant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_paiement')),
        sa.UniqueConstraint('id_op', name=op.f('uq_operation_paiement_id_op')),
        sa.UniqueConstraint('reference', name=op.f('uq_operation_paiement_reference')),
    )
    with op.batch_alter_table('operation_paiement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_paiement_etat'), ['etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_paiement_facture_id'), ['facture_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_operation_paiement_famille_id'), ['famille_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('operation_paiement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_paiement_famille_id'))
        batch_op.drop_index(batch_op.f('ix_operation_paiement_facture_id'))
        batch_op.drop_index(batch_op.f('ix_operation_paiement_etat'))
    op.drop_table('operation_paiement')
