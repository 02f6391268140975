"""Demo data on both databases: deterministic, consistent money, valid identities, real CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from stdnum.ru import inn

from console.models import (
    Account,
    AccountStatement,
    Base,
    Charge,
    Customer,
    LedgerEntry,
    Meter,
    Premise,
    Reading,
    Service,
    Supplier,
)
from console.services.billing.rules import ledger_text
from console.services.core import validators
from console.services.core.database import Database, create_db_engine
from console.services.core.errors import ConsoleError
from console.services.core.formatting import mask_passport
from console.services.core.normalize import address_search_text, person_search_text
from console.services.demo.api import generate, has_accounts
from console.services.demo.context import TABLES
from console.services.demo.names import FEMALE_NAMES, MALE_NAMES
from console.services.demo.people import snils_control
from tests.support.factories import stored_identity

TODAY = dt.date(2026, 11, 21)
N = 60
DEMO_TABLES = (
    "staff", "billing_periods", "premises", "customers", "accounts", "account_holders", "meters",
    "readings", "charges", "payments", "payment_allocations", "ledger_entries",
    "account_statements",
)  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def digest(db: Database) -> str:
    """A hash of every demo table's rows in id order (but the reference data's "admin" row's
    created_at: the reference data stamps it with the clock)."""
    h = hashlib.sha256()
    with db.read() as session:
        for name in DEMO_TABLES:
            table = Base.metadata.tables[name]
            columns = [c for c in table.c if not (name == "staff" and c.name == "created_at")]
            for row in session.execute(select(*columns).order_by(table.c.id)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@contextmanager
def another(db: Database, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A second empty, migrated database of the same kind as ``db``."""
    if db.is_postgres:
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_db_engine(server.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE {template}'))
        other = Database(create_db_engine(server.url(name)))
        try:
            yield other
        finally:
            other.dispose()
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        path = tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        other = Database(create_db_engine(f"sqlite:///{path}"))
        try:
            yield other
        finally:
            other.dispose()


def fetch(db: Database, stmt: Any) -> list[Any]:
    """ORM rows detached from their (rolled back) session, attributes loaded."""
    with db.read() as session:
        rows = list(session.scalars(stmt).all())
        session.expunge_all()
    return rows


@pytest.fixture
def loaded(db: Database) -> Database:
    summary = generate(db, accounts=N, seed=7, today=TODAY)
    assert summary.accounts == N and summary.rows["accounts"] == N
    return db


def test_same_seed_gives_the_same_data_and_another_seed_other_data(
    db: Database, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    generate(db, accounts=N, seed=1, today=TODAY)
    with another(db, request, tmp_path) as same, another(db, request, tmp_path) as other:
        generate(same, accounts=N, seed=1, today=TODAY)
        generate(other, accounts=N, seed=2, today=TODAY)
        assert digest(same) == digest(db)
        assert digest(other) != digest(db)


def test_a_postgres_load_leaves_planner_statistics_and_indexes_behind(pg_db: Database) -> None:
    """The lookups are planned from statistics: the load gathers them for every table it
    filled (inside each loading transaction), and every index and constraint it dropped —
    primary keys nobody refers to included — is back as it was."""
    schema_sql = text(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() UNION ALL "
        "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = CAST(current_schema() AS regnamespace)"
    )
    with pg_db.read() as session:
        schema_before = sorted(session.scalars(schema_sql).all())
    generate(pg_db, accounts=N, seed=7, today=TODAY)
    with pg_db.read() as session:
        assert sorted(session.scalars(schema_sql).all()) == schema_before
        missing = session.scalars(
            text(
                "SELECT t FROM unnest(CAST(:tables AS text[])) t WHERE NOT EXISTS (SELECT 1 "
                "FROM pg_stats s WHERE s.tablename = t AND s.schemaname = current_schema())"
            ),
            {"tables": list(TABLES)},
        ).all()
        estimated = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'ledger_entries'")
        )
        entries = session.scalar(text("SELECT count(*) FROM ledger_entries"))
        invalid = session.scalar(text("SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
        indexes = set(session.scalars(text("SELECT indexname FROM pg_indexes")).all())
    assert missing == []
    assert estimated == entries
    assert invalid == 0
    expected = {i.name for t in TABLES for i in Base.metadata.tables[t].indexes}
    assert expected and expected <= indexes


def test_a_database_with_accounts_is_refused(loaded: Database) -> None:
    assert has_accounts(loaded)
    with pytest.raises(ConsoleError, match="только в пустую базу"):
        generate(loaded, accounts=5, today=TODAY)


def test_statements_balance_and_chain_month_to_month(loaded: Database) -> None:
    statements = fetch(
        loaded,
        select(AccountStatement).order_by(AccountStatement.account_id, AccountStatement.period),
    )
    with loaded.read() as session:
        openings = dict(
            session.execute(
                select(LedgerEntry.account_id, LedgerEntry.amount).where(
                    LedgerEntry.kind == "opening"
                )
            ).all()
        )
    by_account: dict[int, list[AccountStatement]] = defaultdict(list)
    for s in statements:
        assert s.opening + s.charged + s.recalculated - s.paid == s.closing, s.id
        by_account[s.account_id].append(s)
    assert len(by_account) == N
    for account_id, months in by_account.items():
        assert len(months) == 12
        assert months[0].opening == openings.get(account_id, Decimal("0.00"))
        for before, after in zip(months, months[1:], strict=False):
            assert after.opening == before.closing
            assert after.period == (before.period + dt.timedelta(days=32)).replace(day=1)


def test_ledger_sum_is_the_last_closing_plus_the_entries_after_it(loaded: Database) -> None:
    with loaded.read() as session:
        closing = dict(
            session.execute(
                select(AccountStatement.account_id, AccountStatement.closing).where(
                    AccountStatement.period == dt.date(2026, 10, 1)
                )
            ).all()
        )
        entries = session.execute(
            select(LedgerEntry.account_id, LedgerEntry.period, LedgerEntry.amount)
        ).all()
    charges = fetch(loaded, select(Charge))
    total: dict[int, Decimal] = defaultdict(Decimal)
    later: dict[int, Decimal] = defaultdict(Decimal)
    for account_id, period, amount in entries:
        total[account_id] += amount
        if period > dt.date(2026, 10, 1):
            later[account_id] += amount
    for account_id, value in closing.items():
        assert total[account_id] == value + later[account_id]
    assert any(later.values()), "payments of the open month are in the ledger"
    assert {v > 0 for v in total.values()} == {True, False}, "debtors and overpayers"
    # Every charge is volume × tariff rounded half up to kopecks, once per line.
    for c in charges:
        expected = (c.volume * c.tariff).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert c.charged == expected, c.id
    electricity = [c for c in charges if c.meter_id is not None]
    assert {c.volume_method.value for c in electricity} == {"meter", "average", "norm"}
    assert any(c.recalculation for c in charges)


def test_the_ledger_holds_what_the_billing_run_writes(loaded: Database) -> None:
    """Per account, service and month: one entry for the charges of all zones and one for the
    recalculation, with the run's texts, no charge and no staff (billing_statements)."""
    by_month: dict[tuple[int, int, dt.date], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for c in fetch(loaded, select(Charge)):
        by_month[c.account_id, c.service_id, c.period][0] += c.charged
        by_month[c.account_id, c.service_id, c.period][1] += c.recalculation
    entries = fetch(
        loaded, select(LedgerEntry).where(LedgerEntry.kind.in_(["charge", "recalculation"]))
    )
    seen: dict[tuple[int, int, dt.date], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for e in entries:
        assert e.service_id is not None
        slot = seen[e.account_id, e.service_id, e.period]
        column = 0 if e.kind.value == "charge" else 1
        assert slot[column] == 0, f"a second {e.kind.value} entry for one month: {e.id}"
        slot[column] = e.amount
        assert e.description == ledger_text(e.kind.value, e.period)
        assert e.charge_id is None and e.staff_id is None and e.payment_id is None
    assert seen == {key: sums for key, sums in by_month.items() if any(sums)}
    assert any(e.kind.value == "recalculation" for e in entries)


def test_suppliers_accounts_and_services(loaded: Database) -> None:
    suppliers = {s.id: s for s in fetch(loaded, select(Supplier))}
    accounts = fetch(loaded, select(Account))
    (vdgo,) = fetch(loaded, select(Service).where(Service.code == "vdgo"))
    vdgo_charges = fetch(loaded, select(Charge).where(Charge.service_id == vdgo.id))
    for s in suppliers.values():
        assert inn.is_valid(s.inn)
        assert validators.bic(s.bic)
        assert validators.settlement_account(s.bic, s.settlement_account)
        assert validators.correspondent_account(s.bic, s.correspondent_account)
    numbers = set()
    for a in accounts:
        assert (
            a.number.isdigit() and len(a.number) == suppliers[a.supplier_id].account_number_length
        )
        numbers.add((a.supplier_id, a.number))
    assert len(numbers) == len(accounts)
    assert vdgo_charges and all(c.charged == vdgo.monthly_fee for c in vdgo_charges)
    assert len({a.supplier_id for a in accounts}) >= 3


def test_meters_and_readings(loaded: Database) -> None:
    meters = fetch(loaded, select(Meter))
    readings = fetch(loaded, select(Reading).where(Reading.status == "accepted"))
    assert {m.zones for m in meters} == {1, 2, 3}
    assert sum(m.zones == 1 for m in meters) > len(meters) / 2
    assert all(5 <= m.digits <= 8 for m in meters)
    assert any(m.next_verification_on and m.next_verification_on < TODAY for m in meters)
    assert any(
        m.next_verification_on and TODAY <= m.next_verification_on <= TODAY + dt.timedelta(90)
        for m in meters
    )
    digits = {m.id: m.digits for m in meters}
    assert all(r.value < 10 ** digits[r.meter_id] for r in readings)
    assert all(15 <= r.taken_on.day <= 28 for r in readings)


def test_people_and_search_text(loaded: Database) -> None:
    customers = fetch(loaded, select(Customer))
    premises = fetch(loaded, select(Premise))
    passports = set()
    snils: list[str | None] = []
    for c in customers:
        assert c.search_text == person_search_text(c.last_name, c.first_name, c.middle_name)
        female = c.middle_name is not None and c.middle_name.endswith(("вна", "чна"))
        assert c.first_name in (FEMALE_NAMES if female else MALE_NAMES), c.first_name
        pd = stored_identity(loaded, c.id)
        assert re.fullmatch(r"\d{4}", pd.series or "") and c.passport_masked == mask_passport(
            pd.series, pd.number
        )
        assert re.fullmatch(r"\d{6}", pd.number or "")
        assert re.fullmatch(r"\d{3}-\d{3}", pd.division_code or "")
        assert pd.birth_date and pd.issued_on
        assert pd.issued_on >= pd.birth_date.replace(year=pd.birth_date.year + 14)
        assert pd.issued_on <= TODAY
        passports.add((pd.series, pd.number))
        snils.append(pd.snils)
        if pd.snils:
            assert re.fullmatch(r"\d{11}", pd.snils) and snils_control(pd.snils[:9]) == pd.snils[9:]
        if c.phone:
            assert re.fullmatch(r"\+79\d{9}", c.phone)
    assert len(passports) == len(customers)
    assert any(snils) and any(c.email for c in customers)
    if loaded.is_postgres:  # sealed with a fresh IV each, readable by the reveal function
        with loaded.read() as session:
            ivs = session.execute(
                text(
                    "SELECT count(DISTINCT substr(sealed, 1, 16)), count(*) "
                    "FROM customer_identities"
                )
            ).one()
        assert ivs[0] == ivs[1] == len(customers)
    addresses = set()
    for p in premises:
        assert p.search_text == address_search_text(
            p.settlement, p.street, p.house, p.building, p.flat
        )
        if p.settlement_kind.value == "rural":
            assert p.flat is None
        addresses.add((p.region_id, p.settlement, p.street, p.house, p.building, p.flat))
    assert len(addresses) == len(premises)


def test_snils_control_matches_the_domain_example() -> None:
    assert snils_control("112233445") == "95"


# --- the command line ------------------------------------------------------------------


def _console(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CONSOLE_DATA_DIR=str(tmp_path / "data"))
    env.pop("CONSOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("value", ["0", "abc", "-5"])
def test_a_bad_number_of_accounts_is_one_clear_line(tmp_path: Path, value: str) -> None:
    result = _console(tmp_path, "demo-data", "--accounts", value)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--accounts" in lines[0] and "Traceback" not in result.stderr


def test_the_command_fills_a_database_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = _console(tmp_path, "demo-data", "--accounts", "50", "--database", url)
    assert result.returncode == 0, result.stderr
    assert "50 лицевых счетов" in result.stdout
    db = Database(create_db_engine(url))
    try:
        with db.read() as session:
            assert len(session.scalars(select(Account.id)).all()) == 50
    finally:
        db.dispose()
    again = _console(tmp_path, "demo-data", "--accounts", "5", "--database", url)
    assert again.returncode == 1 and "только в пустую базу" in again.stderr


def test_a_role_without_superuser_rights_loads_with_foreign_keys_checked(
    request: pytest.FixtureRequest,
) -> None:
    """Not allowed to skip FK triggers, the loader uses one connection and still succeeds."""
    server = request.getfixturevalue("pg_server")
    role, name = f"demo_{uuid.uuid4().hex[:8]}", f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(server.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN CREATEROLE"))  # 0002 creates the group roles
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {role}'))
    url = server.url(name).replace(f"//{server.user}@", f"//{role}@")
    db = Database(create_db_engine(url))
    try:
        from console.services.core.schema import upgrade

        upgrade(db)
        with pytest.raises(DBAPIError, match="permission denied"), db.engine.connect() as conn:
            conn.execute(text("SET session_replication_role = replica"))
        summary = generate(db, accounts=25, seed=3, today=TODAY)
        assert summary.rows["accounts"] == 25
        with db.read() as session:
            assert (
                session.scalar(text("SELECT count(*) FROM ledger_entries"))
                == (summary.rows["ledger_entries"])
            )
            indexes = session.scalars(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'customers'")
            ).all()
        assert "ix_customers_search_text_trgm" in indexes
    finally:
        db.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
