"""The units of work of console.services.core.database on the real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc, text

from console.services.core.database import Database, create_db_engine


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


def test_the_lookup_line_runs_outside_a_transaction_and_keeps_its_prepared_statements(
    pg_db: Database,
) -> None:
    line = pg_db.lookup_line
    assert line.fetch("SELECT now() = statement_timestamp()", {}) == [(True,)]
    for _ in range(8):  # psycopg prepares a statement on its fifth run
        assert line.fetch("SELECT count(*) FROM regions WHERE code = :c", {"c": "00"}) == [(0,)]
    prepared = line.fetch(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :s", {"s": "%regions%"}
    )
    assert prepared == [(1,)]


def test_a_wrong_statement_on_the_lookup_line_is_raised_and_the_line_stays(
    pg_db: Database,
) -> None:
    """A bad statement is a bug to report, not a lost connection to retry on a new one."""
    line = pg_db.lookup_line
    (pid,) = line.fetch("SELECT pg_backend_pid()", {})[0]
    with pytest.raises(Exception, match="no_such_table"):
        line.fetch("SELECT * FROM no_such_table", {})
    assert line.fetch("SELECT pg_backend_pid()", {}) == [(pid,)]


def test_the_lookup_line_reconnects_when_its_connection_is_killed(pg_db: Database) -> None:
    line = pg_db.lookup_line
    (pid,) = line.fetch("SELECT pg_backend_pid()", {})[0]
    with pg_db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    (again,) = line.fetch("SELECT pg_backend_pid()", {})[0]
    assert again != pid


def test_dispose_closes_the_lookup_line(pg_db: Database) -> None:
    plain = Database(create_db_engine(pg_db.engine.url))
    (pid,) = plain.lookup_line.fetch("SELECT pg_backend_pid()", {})[0]
    plain.dispose()
    with pg_db.read() as session:
        alive = session.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        )
    assert alive == 0


def test_the_lookup_line_on_sqlite_binds_by_name(tmp_path: Path) -> None:
    db = Database(create_db_engine(f"sqlite:///{tmp_path / 'line.sqlite3'}"))
    try:
        rows = db.lookup_line.fetch("SELECT :b, :a, :b, casefold(:c)", {"a": 1, "b": 2, "c": "ЁЖ"})
        assert rows == [(2, 1, 2, "еж")]
    finally:
        db.dispose()


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
