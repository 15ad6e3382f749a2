"""Column types and helpers shared by every model."""

from datetime import UTC
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from portail_famille.domaine.montants import CENTIME


def maintenant() -> datetime:
    """The current time, timezone-aware UTC (a callable, so defaults are computed per row)."""
    return datetime.now(UTC)


class Horodatage(sa.types.TypeDecorator):
    """A UTC timestamp that comes back timezone-aware on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("horodatage sans fuseau horaire")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Montant(sa.types.TypeDecorator):
    """An exact amount to the cent: NUMERIC on PostgreSQL, text on SQLite (a float there)."""

    impl = sa.String(24)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Numeric(14, 2, asdecimal=True))
        return dialect.type_descriptor(sa.String(24))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal) or value != value.quantize(CENTIME):
            raise TypeError("un montant est un Decimal au centime près")
        value = value.quantize(CENTIME)
        return value if dialect.name == "postgresql" else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(CENTIME)
