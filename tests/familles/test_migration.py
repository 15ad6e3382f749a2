"""Revisions 0006 and 0007 build exactly the household tables the models describe, on SQLite as on
PostgreSQL (the suite's schema comes from the migrations, see tests/conftest.py)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portail_famille.extensions import db

TABLES = {"second_adulte", "enfant", "inscription", "historique_inscription",
          "demande_suppression", "famille"}


def _table(difference) -> str | None:
    for element in difference if isinstance(difference, list) else [difference]:
        for partie in element[1:]:
            nom = getattr(partie, "name", None) if hasattr(partie, "columns") else None
            nom = nom or getattr(getattr(partie, "table", None), "name", None)
            if nom:
                return nom
            if isinstance(partie, str) and partie in TABLES:
                return partie
    return None


def test_migration_0006_conforme_aux_modeles(app):
    with app.app_context(), db.engine.connect() as connexion:
        contexte = MigrationContext.configure(connexion, opts={"compare_type": True})
        differences = compare_metadata(contexte, db.metadata)
    assert [d for d in differences if _table(d) in TABLES] == []
