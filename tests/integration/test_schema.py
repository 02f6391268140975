"""The migrations build exactly the ORM's schema, on both databases, and guard the ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from console.models import Base
from console.services.database import Database
from console.services.schema import (
    HEAD_REVISION,
    current_revision,
    head_revision,
    is_current,
    upgrade,
    upgrade_if_needed,
)


def test_migrations_match_the_orm(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
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
    from console.services.database import create_db_engine

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
