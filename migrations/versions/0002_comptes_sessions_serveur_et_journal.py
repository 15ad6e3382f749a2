"""Comptes, sessions serveur et journal

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:38:30.780639

"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('famille',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_famille'))
    )
    op.create_table('compte',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('actif', sa.Boolean(), nullable=False),
    sa.Column('famille_id', sa.Integer(), nullable=True),
    sa.Column('fc_issuer', sa.String(length=300), nullable=True),
    sa.Column('fc_sub', sa.String(length=200), nullable=True),
    sa.Column('nom_naissance', sa.String(length=200), nullable=False),
    sa.Column('nom_usage', sa.String(length=200), nullable=False),
    sa.Column('prenoms', sa.String(length=300), nullable=False),
    sa.Column('date_naissance', sa.String(length=10), nullable=False),
    sa.Column('sexe', sa.String(length=1), nullable=False),
    sa.Column('code_commune_naissance', sa.String(length=5), nullable=False),
    sa.Column('code_pays_naissance', sa.String(length=5), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('identifiant', sa.String(length=320), nullable=True),
    sa.Column('mot_de_passe', sa.String(length=300), nullable=True),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('connecte_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_compte_famille_id_famille')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compte')),
    sa.UniqueConstraint('fc_issuer', 'fc_sub', name='uq_compte_fc'),
    sa.UniqueConstraint('identifiant', name=op.f('uq_compte_identifiant'))
    )
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compte_famille_id'), ['famille_id'], unique=False)

    op.create_table('evenement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quand', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=True),
    sa.Column('famille_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_evenement_compte_id_compte'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['famille_id'], ['famille.id'], name=op.f('fk_evenement_famille_id_famille'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evenement'))
    )
    with op.batch_alter_table('evenement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evenement_famille_id'), ['famille_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evenement_quand'), ['quand'], unique=False)
        batch_op.create_index(batch_op.f('ix_evenement_type'), ['type'], unique=False)

    op.create_table('session_serveur',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=True),
    sa.Column('donnees', sa.Text(), nullable=False),
    sa.Column('cree_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.Column('vu_le', portail_famille.models.base.Horodatage(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_session_serveur_compte_id_compte'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_serveur'))
    )
    with op.batch_alter_table('session_serveur', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_serveur_compte_id'), ['compte_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_serveur', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_serveur_compte_id'))

    op.drop_table('session_serveur')
    with op.batch_alter_table('evenement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evenement_type'))
        batch_op.drop_index(batch_op.f('ix_evenement_quand'))
        batch_op.drop_index(batch_op.f('ix_evenement_famille_id'))

    op.drop_table('evenement')
    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compte_famille_id'))

    op.drop_table('compte')
    op.drop_table('famille')
