"""Pure domain: tariff grid, QF arithmetic, identifier checks (no Flask, no database, no HTTP)."""
