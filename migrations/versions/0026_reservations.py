"""Réservations et pointage

Revision ID: 0026
Revises: 0019
Create Date: 2026-12-03 09:00:00.000000

Une réservation par inscription et jour de classe (réservée ou annulée, et qui l'a décidé), et
les listes de pointage par école, service et jour, verrouillables, avec une marque par enfant.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'liste_pointage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ecole', sa.String(length=120), nullable=False),
        sa.Column('service', sa.String(length=60), nullable=False),
        sa.Column('jour', sa.Date(), nullable=False),
        sa.Column('verrouille', sa.Boolean(), nullable=False),
        sa.Column('verrouille_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liste_pointage')),
        sa.UniqueConstraint('ecole', 'service', 'jour',
                            name='uq_liste_pointage_ecole_service_jour'),
    )
    with op.batch_alter_table('liste_pointage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liste_pointage_jour'), ['jour'], unique=False)

    op.create_table(
        'pointage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('liste_id', sa.Integer(), nullable=False),
        sa.Column('enfant_id', sa.Integer(), nullable=False),
        sa.Column('etat', sa.String(length=24), nullable=False),
        sa.Column('saisi_par_id', sa.Integer(), nullable=True),
        sa.Column('saisi_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.CheckConstraint("etat IN ('present', 'absent_justifie', 'absent_injustifie', "
                           "'present_sans_reservation')", name=op.f('ck_pointage_etat')),
        sa.ForeignKeyConstraint(['enfant_id'], ['enfant.id'],
                                name=op.f('fk_pointage_enfant_id_enfant'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['liste_id'], ['liste_pointage.id'],
                                name=op.f('fk_pointage_liste_id_liste_pointage'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['saisi_par_id'], ['compte.id'],
                                name=op.f('fk_pointage_saisi_par_id_compte'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pointage')),
        sa.UniqueConstraint('liste_id', 'enfant_id', name='uq_pointage_liste_enfant'),
    )
    with op.batch_alter_table('pointage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pointage_enfant_id'), ['enfant_id'], unique=False)

    op.create_table(
        'reservation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inscription_id', sa.Integer(), nullable=False),
        sa.Column('jour', sa.Date(), nullable=False),
        sa.Column('statut', sa.String(length=10), nullable=False),
        sa.Column('origine', sa.String(length=12), nullable=False),
        sa.Column('modifie_par_id', sa.Integer(), nullable=True),
        sa.Column('modifie_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.CheckConstraint("origine IN ('inscription', 'famille')",
                           name=op.f('ck_reservation_origine')),
        sa.CheckConstraint("statut IN ('reservee', 'annulee')",
                           name=op.f('ck_reservation_statut')),
        sa.ForeignKeyConstraint(['inscription_id'], ['inscription.id'],
                                name=op.f('fk_reservation_inscription_id_inscription'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['modifie_par_id'], ['compte.id'],
                                name=op.f('fk_reservation_modifie_par_id_compte'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reservation')),
        sa.UniqueConstraint('inscription_id', 'jour', name='uq_reservation_inscription_jour'),
    )
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservation_jour'), ['jour'], unique=False)


def downgrade():
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservation_jour'))
    op.drop_table('reservation')
    with op.batch_alter_table('pointage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pointage_enfant_id'))
    op.drop_table('pointage')
    with op.batch_alter_table('liste_pointage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liste_pointage_jour'))
    op.drop_table('liste_pointage')
