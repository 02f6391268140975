"""The units of work of console.services.database on the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from console.services.database import Database, create_db_engine


def test_a_read_unit_refuses_to_write(pg_db: Database) -> None:
    """read() opens its transaction READ ONLY: a write by mistake is refused by the server."""
    with pytest.raises(exc.DBAPIError, match="read-only transaction"), pg_db.read() as session:
        session.execute(text("INSERT INTO regions (code, name) VALUES ('99', 'Проба')"))
    with pg_db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM regions WHERE code = '99'")) == 0


def test_a_read_unit_keeps_the_prepared_statements(pg_db: Database) -> None:
    """Ending a read with ROLLBACK made psycopg drop its prepared statements, so every lookup
    was planned again; read() now ends with COMMIT and the server keeps them."""
    for _ in range(8):  # psycopg prepares a statement on its fifth run
        with pg_db.read() as session:
            session.execute(text("SELECT count(*) FROM regions WHERE code = :c"), {"c": "72"})
    with pg_db.read() as session:
        prepared = session.scalar(
            text(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM regions%'"
            )
        )
    assert prepared == 1


def test_stand_alone_statements_run_outside_a_transaction(pg_db: Database) -> None:
    with pg_db.statements() as conn:
        assert conn.scalar(text("SELECT now() = statement_timestamp()")) is True


def test_prepared_statements_can_be_turned_off_for_pgbouncer(pg_db: Database) -> None:
    """Settings.db_prepared_statements = false: nothing prepared, nothing a pooler must carry."""
    plain = Database(create_db_engine(pg_db.engine.url, prepared_statements=False))
    try:
        for _ in range(8):
            with plain.read() as session:
                session.execute(text("SELECT count(*) FROM regions WHERE code = :c"), {"c": "72"})
        with plain.read() as session:
            prepared = session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared == 0
    finally:
        plain.dispose()
