"""Factures mensuelles

Revision ID: 0027
Revises: 0020
Create Date: 2026-12-03 14:30:00.000000

Les campagnes de facturation par mois, une facture par foyer payeur avec ses lignes (jours ×
prix unitaire), les avoirs, et les compteurs de numéros par nature et par année.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0020'
branch_labels = None
depends_on = None

Horodatage = portail_famille.models.base.Horodatage
Montant = portail_famille.models.base.Montant


def upgrade():
    op.create_table(
        'campagne_facturation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mois', sa.Date(), nullable=False),
        sa.Column('statut', sa.String(length=10), nullable=False),
        sa.Column('grille_sha256', sa.String(length=64), nullable=False),
        sa.Column('anomalies', sa.Text(), nullable=False),
        sa.Column('calcule_le', Horodatage(timezone=True), nullable=False),
        sa.Column('calcule_par_id', sa.Integer(), nullable=True),
        sa.Column('emise_le', Horodatage(timezone=True), nullable=True),
        sa.Column('emise_par_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("statut IN ('brouillon', 'emise')",
                           name=op.f('ck_campagne_facturation_statut')),
        sa.ForeignKeyConstraint(['calcule_par_id'], ['compte.id'],
                                name=op.f('fk_campagne_facturation_calcule_par_id_compte'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['emise_par_id'], ['compte.id'],
                                name=op.f('fk_campagne_facturation_emise_par_id_compte'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campagne_facturation')),
        sa.UniqueConstraint('mois', name=op.f('uq_campagne_facturation_mois')),
    )
    op.create_table(
        'facture',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campagne_id', sa.Integer(), nullable=False),
        sa.Column('famille_id', sa.Integer(), nullable=False),
        sa.Column('numero', sa.String(length=20), nullable=True),
        sa.Column('total', Montant(), nullable=False),
        sa.Column('destinataire', sa.String(length=300), nullable=False),
        sa.Column('adresse', sa.String(length=400), nullable=False),
        sa.Column('emise_le', Horodatage(timezone=True), nullable=True),
        sa.Column('echeance', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['campagne_id'], ['campagne_facturation.id'],
                                name=op.f('fk_facture_campagne_id_campagne_facturation'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['famille_id'], ['famille.id'],
                                name=op.f('fk_facture_famille_id_famille')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_facture')),
        sa.UniqueConstraint('campagne_id', 'famille_id', name='uq_facture_campagne_famille'),
        sa.UniqueConstraint('numero', name=op.f('uq_facture_numero')),
    )
    with op.batch_alter_table('facture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facture_campagne_id'), ['campagne_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_facture_famille_id'), ['famille_id'], unique=False)
    op.create_table(
        'ligne_facture',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('facture_id', sa.Integer(), nullable=False),
        sa.Column('enfant_id', sa.Integer(), nullable=True),
        sa.Column('enfant', sa.String(length=200), nullable=False),
        sa.Column('service', sa.String(length=60), nullable=False),
        sa.Column('libelle_service', sa.String(length=200), nullable=False),
        sa.Column('motif', sa.String(length=30), nullable=False),
        sa.Column('jours', sa.Text(), nullable=False),
        sa.Column('quantite', sa.Integer(), nullable=False),
        sa.Column('prix_unitaire', Montant(), nullable=False),
        sa.Column('montant', Montant(), nullable=False),
        sa.Column('explication', sa.String(length=500), nullable=False),
        sa.Column('grille_sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['enfant_id'], ['enfant.id'],
                                name=op.f('fk_ligne_facture_enfant_id_enfant'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['facture_id'], ['facture.id'],
                                name=op.f('fk_ligne_facture_facture_id_facture'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ligne_facture')),
    )
    with op.batch_alter_table('ligne_facture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ligne_facture_facture_id'), ['facture_id'],
                              unique=False)
    op.create_table(
        'avoir',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('facture_id', sa.Integer(), nullable=False),
        sa.Column('numero', sa.String(length=20), nullable=False),
        sa.Column('montant', Montant(), nullable=False),
        sa.Column('motif', sa.String(length=500), nullable=False),
        sa.Column('emis_le', Horodatage(timezone=True), nullable=False),
        sa.Column('emis_par_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['emis_par_id'], ['compte.id'],
                                name=op.f('fk_avoir_emis_par_id_compte'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['facture_id'], ['facture.id'],
                                name=op.f('fk_avoir_facture_id_facture')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_avoir')),
        sa.UniqueConstraint('numero', name=op.f('uq_avoir_numero')),
    )
    with op.batch_alter_table('avoir', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_avoir_facture_id'), ['facture_id'], unique=False)
    op.create_table(
        'compteur_numeros',
        sa.Column('nature', sa.String(length=10), nullable=False),
        sa.Column('annee', sa.Integer(), nullable=False),
        sa.Column('dernier', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('nature', 'annee', name=op.f('pk_compteur_numeros')),
    )


def downgrade():
    op.drop_table('compteur_numeros')
    op.drop_table('avoir')
    op.drop_table('ligne_facture')
    op.drop_table('facture')
    op.drop_table('campagne_facturation')
