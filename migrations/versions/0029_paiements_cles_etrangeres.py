"""Clés étrangères des paiements PayFiP vers la facture et le foyer

Revision ID: 0029
Revises: 0021
Create Date: 2026-12-04 18:40:00.000000

Une opération de paiement porte sur une facture émise d'un foyer : ni l'une ni l'autre ne
disparaît sous elle (pièce comptable, gardée comme la facture quand le foyer est effacé), d'où
des clés sans ON DELETE, comme celles de la facture et de l'avoir.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('operation_paiement', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_operation_paiement_facture_id_facture'),
                                    'facture', ['facture_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_operation_paiement_famille_id_famille'),
                                    'famille', ['famille_id'], ['id'])


def downgrade():
    with op.batch_alter_table('operation_paiement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_operation_paiement_famille_id_famille'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_operation_paiement_facture_id_facture'),
                                 type_='foreignkey')
