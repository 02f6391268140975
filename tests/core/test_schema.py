"""The migrations build exactly the ORM's schema, on both databases, and guard the ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import exc, text

from console.models import Base
from console.services.core.database import Database
from console.services.core.schema import (
    HEAD_REVISION,
    current_revision,
    head_revision,
    is_current,
    upgrade,
    upgrade_if_needed,
)

PHONE_TAIL_INDEX = "ix_customers_phone_reversed"


def test_migrations_match_the_orm(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    # The security machinery of migration 0005 (group names, approval tokens) is PostgreSQL's
    # own and never mapped: staff reach it only through the database's functions.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("console_"))]
    # 0007's B-tree on reverse(phone) is PostgreSQL's alone (SQLite has no reverse()); an
    # expression index with an operator class has no portable ORM form, so it lives in the
    # migration only.
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name == PHONE_TAIL_INDEX)]
    assert diff == []


def test_upgrade_twice_is_harmless(db: Database) -> None:
    upgrade(db)
    upgrade(db)
    assert current_revision(db) == head_revision()


def test_the_warm_start_head_is_alembics_head(db: Database) -> None:
    """The cheap check of a warm start (no Alembic import) knows the newest migration."""
    assert head_revision() == HEAD_REVISION
    assert is_current(db)
    assert upgrade_if_needed(db) is False


def test_an_empty_database_is_migrated_once(tmp_path: Path) -> None:
    from console.services.core.database import create_db_engine

    empty = Database(create_db_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    try:
        assert current_revision(empty) is None
        assert not is_current(empty)
        assert upgrade_if_needed(empty) is True
        assert current_revision(empty) == HEAD_REVISION
        assert upgrade_if_needed(empty) is False
    finally:
        empty.dispose()


@pytest.mark.parametrize("table", ["ledger_entries", "audit_events"])
def test_append_only_tables_refuse_update_and_delete(db: Database, table: str) -> None:
    with db.engine.begin() as conn:
        if table == "ledger_entries":
            _minimal_account(conn)
            conn.execute(
                text(
                    "INSERT INTO ledger_entries (account_id, period, kind, amount, created_at) "
                    "VALUES (1, :p, 'charge', 10.00, CURRENT_TIMESTAMP)"
                ),
                {"p": dt.date(2026, 1, 1)},
            )
        else:
            conn.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, action, entity) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'x')"
                )
            )
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(Exception, match="только для добавления"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1


def _minimal_account(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("INSERT INTO regions (id, code, name) VALUES (1, '72', 'Тюменская обл.')"))
    conn.execute(
        text(
            "INSERT INTO suppliers (id, code, name, short_name, inn, kpp, address, phone, email,"
            " site, bank_name, bic, settlement_account, correspondent_account,"
            " account_number_length, min_payment, payment_due_day, version) VALUES (1, 'V',"
            " 'АО «ЭК «Восток»', 'Восток', '7705424509', '770301001', 'г. Тюмень', '', '', '',"
            " 'Банк', '045354601', '40702810946000003481', '30101810600000000601', 10, 50, 10, 1)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO premises (id, region_id, settlement_type, settlement, settlement_kind,"
            " house, residents, stove_type, search_text, version) VALUES (1, 1, 'г.', 'Тюмень',"
            " 'urban', '1', 1, 'gas', 'тюмень 1', 1)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO accounts (id, number, supplier_id, premise_id, category, status,"
            " bill_delivery, opened_on, version) VALUES (1, '1234567890', 1, 1, 'urban_gas_stove',"
            " 'active', 'paper', :d, 1)"
        ),
        {"d": dt.date(2020, 1, 1)},
    )


def _index_sql(db: Database, name: str) -> str:
    query = (
        "SELECT indexdef FROM pg_indexes WHERE indexname = :n"
        if db.is_postgres
        else "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"
    )
    with db.engine.connect() as conn:
        return str(conn.execute(text(query), {"n": name}).scalar_one())


@pytest.mark.parametrize(
    ("index", "columns"),
    [
        ("uq_readings_idempotency_key", "idempotency_key"),
        ("uq_payments_idempotency_key", "idempotency_key"),
        ("uq_payments_receipt_number", "receipt_number"),
        ("uq_payments_reversal_of_id", "reversal_of_id"),
        ("uq_payments_external_id_source", "external_id, source"),
    ],
)
def test_keys_most_rows_lack_are_unique_only_where_set(
    db: Database, index: str, columns: str
) -> None:
    sql = _index_sql(db, index)
    assert sql.startswith("CREATE UNIQUE INDEX")
    assert f"({columns})" in sql
    where = columns.split(",")[0]
    assert f"WHERE ({where} IS NOT NULL)" in sql or f"WHERE {where} IS NOT NULL" in sql


def test_a_payment_key_is_still_taken_once_and_empty_keys_never_clash(db: Database) -> None:
    insert = text(
        "INSERT INTO payments (account_id, amount, paid_at, method, source, external_id,"
        " idempotency_key, receipt_number, created_at)"
        " VALUES (1, 10.00, CURRENT_TIMESTAMP, 'bank', :s, :e, :k, :r, CURRENT_TIMESTAMP)"
    )
    with db.engine.begin() as conn:
        _minimal_account(conn)
        for _ in range(3):  # rows without any key
            conn.execute(insert, {"s": None, "e": None, "k": None, "r": None})
        conn.execute(insert, {"s": "sberbank", "e": "A-1", "k": "key-1", "r": "R-1"})
        conn.execute(insert, {"s": "pochta", "e": "A-1", "k": None, "r": None})  # other bank
    for clash in (
        {"s": "sberbank", "e": "A-1", "k": None, "r": None},
        {"s": None, "e": None, "k": "key-1", "r": None},
        {"s": None, "e": None, "k": None, "r": "R-1"},
    ):
        with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, clash)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM payments")).scalar_one() == 5


@pytest.mark.parametrize("index", ["ix_charges_period", "ix_readings_period"])
def test_the_month_of_charges_and_readings_is_a_brin_index_on_postgres(
    db: Database, index: str
) -> None:
    sql = _index_sql(db, index)
    assert ("USING brin (period) WITH (autosummarize='on')" in sql) is db.is_postgres
    assert "(period)" in sql


def _copy_demo_into(old: Database, scratch: Path) -> None:
    """Demo rows, generated at head in ``scratch``, copied into the older schema of ``old``
    (the columns both have): the generator writes only the current schema."""
    from console.services.core.database import create_db_engine
    from console.services.demo import api

    new = Database(create_db_engine(f"sqlite:///{scratch}"))
    upgrade(new)
    api.generate(new, accounts=60, today=dt.date(2026, 11, 22))
    new.dispose()
    with old.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql(f"ATTACH DATABASE '{scratch}' AS new")
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'alembic_version'")]  # fmt: skip
        for table in tables:
            old_cols = {r[1] for r in conn.exec_driver_sql(f"PRAGMA main.table_info({table})")}
            new_cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA new.table_info({table})")]
            common = ", ".join(c for c in new_cols if c in old_cols)
            if common:
                conn.exec_driver_sql(
                    f"INSERT OR IGNORE INTO main.{table} ({common}) "
                    f"SELECT {common} FROM new.{table}"
                )
    with old.engine.connect() as conn:
        conn.exec_driver_sql("DETACH DATABASE new")


def test_a_table_rebuild_on_sqlite_keeps_rows_and_foreign_keys(tmp_path: Path) -> None:
    """0004 rebuilds payments, which ledger entries and allocations refer to: with foreign
    keys on, SQLite would refuse to drop it. The rows stay, the references check out, and
    the pooled connections have foreign keys on again."""
    from console.services.core.database import create_db_engine

    db = Database(create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    try:
        upgrade(db, "0003_lookup")
        _copy_demo_into(db, tmp_path / "new.sqlite3")
        count = "SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM readings)"
        with db.engine.connect() as conn:
            before = tuple(conn.execute(text(count)).one())
        assert before[0] > 0 and before[1] > 0
        upgrade(db)
        with db.engine.connect() as conn:
            assert tuple(conn.execute(text(count)).one()) == before
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert current_revision(db) == HEAD_REVISION
        with db.engine.begin() as conn:  # re-stamped: running 0004 again is harmless
            conn.execute(text("UPDATE alembic_version SET version_num = '0003_lookup'"))
        upgrade(db)
        assert current_revision(db) == HEAD_REVISION
        assert "WHERE" in _index_sql(db, "uq_payments_external_id_source")
    finally:
        db.dispose()
