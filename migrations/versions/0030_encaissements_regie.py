"""Encaissements au guichet de la régie

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 18:45:00.000000

Un paiement reçu au guichet (chèque, espèces) pour une facture émise, noté par un agent ; une
saisie erronée est annulée avec son motif, jamais effacée. Le jeton du formulaire rend un
second envoi (double clic) sans effet.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'encaissement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('facture_id', sa.Integer(), nullable=False),
        sa.Column('montant', portail_famille.models.base.Montant(),
                  nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('jeton', sa.String(length=32), nullable=False),
        sa.Column('recu_le', sa.Date(), nullable=False),
        sa.Column('saisi_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('saisi_par_id', sa.Integer(), nullable=True),
        sa.Column('annule_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.Column('annule_par_id', sa.Integer(), nullable=True),
        sa.Column('motif_annulation', sa.String(length=500), nullable=False),
        sa.CheckConstraint("mode IN ('cheque', 'especes')", name=op.f('ck_encaissement_mode')),
        sa.ForeignKeyConstraint(['annule_par_id'], ['compte.id'],
                                name=op.f('fk_encaissement_annule_par_id_compte'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['facture_id'], ['facture.id'],
                                name=op.f('fk_encaissement_facture_id_facture')),
        sa.ForeignKeyConstraint(['saisi_par_id'], ['compte.id'],
                                name=op.f('fk_encaissement_saisi_par_id_compte'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_encaissement')),
        sa.UniqueConstraint('jeton', name=op.f('uq_encaissement_jeton')),
    )
    with op.batch_alter_table('encaissement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encaissement_facture_id'), ['facture_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('encaissement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encaissement_facture_id'))
    op.drop_table('encaissement')
