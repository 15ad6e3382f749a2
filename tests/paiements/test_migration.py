"""Revisions 0028 and 0029 build exactly the payment table the model describes, its foreign keys
to the invoice and the household included."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portail_famille.extensions import db


def test_migrations_0028_et_0029_conformes_au_modele(app):
    with app.app_context(), db.engine.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        differences = compare_metadata(contexte, db.metadata)
    assert [d for d in differences if "operation_paiement" in repr(d)] == []
