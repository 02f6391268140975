"""On PostgreSQL the lookup's statements use the indexes, never a scan of a big table."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from console.services.core.database import Database
from console.services.core.reference_data import ensure_reference_data
from console.services.lookup import sql
from console.services.lookup.query import classify

ROWS = 30_000

FILL = f"""
INSERT INTO premises (region_id, settlement_type, settlement, settlement_kind, street_type,
                      street, house, flat, residents, stove_type, search_text, version)
SELECT 1, 'г.', 'Курган', 'urban', 'ул.', s, (g % 90 + 1)::text, (g % 200 + 1)::text, 1, 'gas',
       'курган ' || lower(s) || ' ' || (g % 90 + 1) || ' ' || (g % 200 + 1), 1
FROM generate_series(1, {ROWS}) g,
     LATERAL (SELECT (ARRAY['Ленина','Мира','Гагарина','Садовая','Прямая'])[g % 5 + 1] AS s) x;
INSERT INTO customers (last_name, first_name, middle_name, phone, search_text, version,
                       created_at, mailing_consent)
SELECT n, 'Пётр', 'Сергеевич', '+7912' || lpad(g::text, 7, '0'),
       lower(n) || ' петр сергеевич', 1, now(), false
FROM generate_series(1, {ROWS}) g,
     LATERAL (SELECT (ARRAY['Иванов','Петров','Смирнов','Кузнецов','Попов','Соколов'])[g % 6 + 1]
              || g AS n) x;
INSERT INTO accounts (number, supplier_id, premise_id, category, status, bill_delivery,
                      opened_on, version)
SELECT (4500000000 + id)::text, 1, id, 'urban_gas_stove', 'active', 'paper', '2020-01-01', 1
FROM premises;
INSERT INTO meters (account_id, serial, model, kind, zones, digits, transformation_ratio,
                    installed_on, status, version)
SELECT id, 'SN' || lpad(id::text, 8, '0'), 'СОЭБ', 'individual', 1, 5, 1, '2020-01-01',
       'active', 1 FROM accounts;
INSERT INTO account_holders (account_id, customer_id, relation, is_primary, bound_at, version)
SELECT a.id, c.id, 'owner', true, now(), 1 FROM accounts a JOIN customers c ON c.id = a.id;
"""


@pytest.fixture
def big(pg_db: Database) -> Database:
    with pg_db.transaction() as session:
        ensure_reference_data(session)
        for statement in FILL.split(";\n"):
            if statement.strip():
                session.execute(text(statement))
    with pg_db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return pg_db


def plan(db: Database, step: sql.Step) -> str:
    with db.engine.connect() as conn:
        rows = conn.execute(text("EXPLAIN " + step.sql), step.params).all()
    return "\n".join(r[0] for r in rows)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("typed", "table", "index"),
    [
        ("ленина 12-34", "premises", "ix_premises_search_text_trgm"),
        ("г. Курган ул Ленина д.12 кв.34", "premises", "ix_premises_search_text_trgm"),
        ("ленина", "premises", "ix_premises_search_text_trgm"),
        ("Иванов12 П.", "customers", "ix_customers_search_text_prefix"),
        ("иванов", "customers", "ix_customers_search_text_prefix"),
    ],
)
def test_text_search_uses_its_index(big: Database, typed: str, table: str, index: str) -> None:
    q = classify(typed)
    text_plan = plan(big, sql.phrase(table, q.terms, 300, True, strict_only=False))
    assert index in text_plan
    assert f"Seq Scan on {table}" not in text_plan


@pytest.mark.postgres
def test_number_serial_phone_and_fragment_use_indexes(big: Database) -> None:
    q = classify("4500000123")
    exact = plan(big, sql.exact_number(q.digits, q.serials, q.phone, 300, True))
    assert "ix_accounts_number" in exact and "ix_meters_serial" in exact
    assert "Seq Scan on accounts" not in exact and "Seq Scan on meters" not in exact
    fragment = plan(big, sql.account_fragment("00012", 300, True))
    assert "ix_accounts_number_trgm" in fragment
    phone = plan(big, sql.by_customer("phone", "+79120000123", 3, 300, True))
    assert "Seq Scan on customers" not in phone


@pytest.mark.postgres
def test_end_of_a_phone_and_padded_serials_use_indexes(big: Database) -> None:
    q = classify("012-34")
    assert q.kind == "phone_tail"
    tail = plan(big, sql.phone_tail(q.digits, 300, True))
    assert "ix_customers_phone_reversed" in tail and "Seq Scan on customers" not in tail
    q = classify("SN123")  # stored "SN00000123": the padded variants are plain equalities
    serial = plan(big, sql.serial(q.serials, 300, True))
    assert "ix_meters_serial" in serial and "Seq Scan on meters" not in serial
