"""Revision 0028 builds exactly the payment table the model describes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portail_famille.extensions import db


def test_migration_0028_conforme_au_modele(app):
    with app.app_context(), db.engine.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        differences = compare_metadata(contexte, db.metadata)
    assert [d for d in differences if "operation_paiement" in repr(d)] == []
