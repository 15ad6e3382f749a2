"""Revision 0026 builds exactly the booking and attendance tables the models describe, on SQLite
as on PostgreSQL (the suite's schema comes from the migrations)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portail_famille.extensions import db

TABLES = ("reservation", "liste_pointage", "pointage")


def test_migration_0026_conforme_aux_modeles(app):
    with app.app_context(), db.engine.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        differences = compare_metadata(contexte, db.metadata)
    assert [d for d in differences if any(f"'{nom}'" in repr(d) or f"table={nom}" in repr(d)
                                          for nom in TABLES)] == []
