"""Dossier des familles pour les agents

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-03 09:00:00.000000

Les noms tels que la recherche des agents les compare (sans accents ni casse), la version du
foyer (formulaires concurrents de la famille et de la mairie), le motif et la fin d'un quotient
saisi par la mairie, et les tarifs décidés hors de la grille.
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models
from portail_famille.models.recherche import texte_de_recherche


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0025'
branch_labels = None
depends_on = None

# The names of each person, as the models' search column gathers them.
NOMS = {'compte': ('prenoms', 'nom_naissance', 'nom_usage'), 'enfant': ('prenoms', 'nom'),
        'second_adulte': ('prenoms', 'nom')}


def _remplir(table: str, colonnes: tuple[str, ...]) -> None:
    connexion = op.get_bind()
    lignes = connexion.execute(sa.text(f"SELECT id, {', '.join(colonnes)} FROM {table}")).all()
    for ligne in lignes:
        connexion.execute(sa.text(f"UPDATE {table} SET nom_recherche = :t WHERE id = :i"),
                          {'t': texte_de_recherche(*ligne[1:]), 'i': ligne[0]})


def upgrade():
    for table, colonnes in NOMS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('nom_recherche', sa.String(length=800),
                                          server_default='', nullable=False))
        _remplir(table, colonnes)
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'modifie_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('quotient_familial', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motif', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('expire_le', sa.Date(), nullable=True))
    op.create_table(
        'tarif_decide',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enfant_id', sa.Integer(), nullable=False),
        sa.Column('service', sa.String(length=60), nullable=False),
        sa.Column('prix', portail_famille.models.base.Montant(length=24), nullable=False),
        sa.Column('motif', sa.String(length=500), nullable=False),
        sa.Column('debut', sa.Date(), nullable=False),
        sa.Column('fin', sa.Date(), nullable=False),
        sa.Column('decide_le', portail_famille.models.base.Horodatage(timezone=True),
                  nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['agent_id'], ['compte.id'],
                                name=op.f('fk_tarif_decide_agent_id_compte'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['enfant_id'], ['enfant.id'],
                                name=op.f('fk_tarif_decide_enfant_id_enfant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tarif_decide')),
    )
    with op.batch_alter_table('tarif_decide', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tarif_decide_enfant_id'), ['enfant_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('tarif_decide', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tarif_decide_enfant_id'))
    op.drop_table('tarif_decide')
    with op.batch_alter_table('quotient_familial', schema=None) as batch_op:
        batch_op.drop_column('expire_le')
        batch_op.drop_column('motif')
    with op.batch_alter_table('famille', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('modifie_le')
    for table in NOMS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('nom_recherche')
