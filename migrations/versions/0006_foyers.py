"""Foyers, enfants, inscriptions et demandes de suppression

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:12:14.109691

The household's address goes on `famille`; existing households get empty text and an
undeclared residence (NULL), which the family is asked to fill in.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enfant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=80), nullable=False),
    sa.Column('prenoms', sa.String(length=120), nullable=False),
    sa.Column('date_naissance', sa.Date(), nullable=False),
    sa.Column('ecole', sa.String(length=120), nullable=False),
    sa.Column('niveau', sa.String(length=16), nullable=False),
    sa.Column('origine', sa.String(length=8), nullable=False),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_enfant_famille_id_famille'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enfant'))
    )
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enfant_famille_id'), ['famille_id'], unique=False)

    op.create_table('second_adulte',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=80), nullable=False),
    sa.Column('prenoms', sa.String(length=120), nullable=False),
    sa.Column('telephone', sa.String(length=20), nullable=False),
    sa.Column('courriel', sa.String(length=254), nullable=False),
    sa.Column('modifie_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_second_adulte_famille_id_famille'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_second_adulte')),
    sa.UniqueConstraint('famille_id', name=op.f('uq_second_adulte_famille_id'))
    )
    op.create_table('demande_suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=True),
    sa.Column('demandee_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('precisions', sa.String(length=500), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_demande_suppression_compte_id_compte'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_demande_suppression_famille_id_famille'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demande_suppression'))
    )
    with op.batch_alter_table('demande_suppression', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demande_suppression_famille_id'), ['famille_id'], unique=False)

    op.create_table('inscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enfant_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=60), nullable=False),
    sa.Column('periode_debut', sa.Date(), nullable=False),
    sa.Column('periode_libelle', sa.String(length=200), nullable=False),
    sa.Column('jours', sa.String(length=60), nullable=False),
    sa.Column('date_debut', sa.Date(), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('modifie_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("statut IN ('demandee', 'validee', 'annulee')", name=op.f('ck_inscription_statut')),
    sa.ForeignKeyConstraint(['enfant_id'], ['enfant.id'], name=op.f('fk_inscription_enfant_id_enfant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inscription')),
    sa.UniqueConstraint('enfant_id', 'service', 'periode_debut', name='uq_inscription_enfant_service_periode')
    )
    with op.batch_alter_table('inscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inscription_enfant_id'), ['enfant_id'], unique=False)

    op.create_table('historique_inscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inscription_id', sa.Integer(), nullable=False),
    sa.Column('quand', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('statut', sa.String(length=10), nullable=False),
    sa.Column('jours', sa.String(length=60), nullable=False),
    sa.Column('date_debut', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_historique_inscription_compte_id_compte'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inscription_id'], ['inscription.id'], name=op.f('fk_historique_inscription_inscription_id_inscription'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_historique_inscription'))
    )
    with op.batch_alter_table('historique_inscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_historique_inscription_inscription_id'), ['inscription_id'], unique=False)

    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adresse_voie', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('adresse_complement', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('code_postal', sa.String(length=5), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('commune_residence', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reside_dans_la_commune', sa.Boolean(), nullable=True))



def downgrade():
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.drop_column('reside_dans_la_commune')
        batch_op.drop_column('commune_residence')
        batch_op.drop_column('code_postal')
        batch_op.drop_column('adresse_complement')
        batch_op.drop_column('adresse_voie')

    with op.batch_alter_table('historique_inscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_historique_inscription_inscription_id'))

    op.drop_table('historique_inscription')
    with op.batch_alter_table('inscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inscription_enfant_id'))

    op.drop_table('inscription')
    with op.batch_alter_table('demande_suppression', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demande_suppression_famille_id'))

    op.drop_table('demande_suppression')
    op.drop_table('second_adulte')
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enfant_famille_id'))

    op.drop_table('enfant')
