"""Enfants retirés archivés, avec l'historique de leurs inscriptions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00.000000

Retirer un enfant effaçait ses inscriptions et leur historique. Un enfant déjà inscrit est
désormais archivé (`archive_le`) : les enfants existants restent présents (NULL).
"""
import sqlalchemy as sa
from alembic import op

import portail_famille.models


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'archive_le', portail_famille.models.base.Horodatage(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('enfant', schema=None) as batch_op:
        batch_op.drop_column('archive_le')
