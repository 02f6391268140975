"""A hostile insider's view: staff logins with SCRAM passwords on a server of their own.

The session's shared server trusts local connections; here every staff login must give its
password (SCRAM-SHA-256), the server delays every failed sign-in (``auth_delay``, as the
deployment notes ask), and each test gets a fresh copy of a migrated database that already
holds the staff of every role, an account with a customer and a meter, and a closed month.
Attacks are typed as psql would type them: raw SQL over the login's own connection.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from console.models import BillingPeriod
from console.models.enums import PeriodStatus, StaffRole
from console.services.core.database import Database, create_db_engine
from console.services.core.reference_data import ensure_reference_data
from console.services.core.schema import upgrade
from console.services.staff import auth
from console.services.staff.actor import SYSTEM
from console.services.staff.auth import SignedIn
from console.services.staff.members import add_staff
from console.settings import Settings
from tests.support.factories import AccountIds, make_account
from tests.support.pgserver import (
    PgServer,
    ask_for_passwords,
    require_server_binaries,
    scratch_database,
    start_server,
)

PASSWORD = "Пароль-2026!"
AUTH_DELAY_MS = 250
CLOSED = dt.date(2026, 9, 1)
OPEN = dt.date(2026, 11, 1)
#: Staff of the template database: login → role.
STAFF = {
    "clerk.a": StaffRole.CLERK,
    "clerk.b": StaffRole.CLERK,
    "boss.a": StaffRole.SUPERVISOR,
    "boss.b": StaffRole.SUPERVISOR,
    "admin.a": StaffRole.ADMIN,
}


@dataclass
class Hostile:
    """One fresh database: the owner's Database, the staff ids, and psql-like connections."""

    server: PgServer
    name: str
    owner: Database
    staff: dict[str, int]
    account: AccountIds
    opened: list[psycopg.Connection[Any]]

    def psql(
        self, login: str, password: str = PASSWORD, database: str = ""
    ) -> psycopg.Connection[Any]:
        conn = psycopg.connect(
            host="127.0.0.1", port=self.server.port, dbname=database or self.name, user=login,
            password=password, autocommit=True, connect_timeout=10,
        )  # fmt: skip
        self.opened.append(conn)
        return conn

    def owner_sql(self, statement: str, **params: Any) -> Any:
        with self.owner.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else []

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Every row of every table that matters, as the owner sees it."""
        tables = (
            "ledger_entries", "payments", "payment_allocations", "refund_applications",
            "refund_application_payments", "appeals", "readings", "audit_events", "staff",
            "customers", "account_holders", "charges", "account_statements", "billing_periods",
            "meters", "accounts", "tariffs", "console_approvals",
        )  # fmt: skip
        found = {}
        for table in tables:
            row = self.owner_sql(
                f"SELECT count(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {table} t"
            )[0]
            found[table] = (int(row[0]), str(row[1]))
        roles = self.owner_sql(
            "SELECT string_agg(rolname || rolcanlogin || rolcreaterole || rolsuper"
            " || COALESCE(rolpassword, ''), ',' ORDER BY rolname) FROM pg_authid"
        )[0][0]
        members = self.owner_sql("SELECT count(*) FROM pg_auth_members")[0][0]
        found["roles"] = (int(members), str(roles))
        return found


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[PgServer]:
    require_server_binaries("security tests")
    server = start_server()
    try:
        ask_for_passwords(server, auth_delay_ms=AUTH_DELAY_MS)
        admin = create_db_engine(server.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CREATE DATABASE hostile_template"))
        admin.dispose()
        template = Database(create_db_engine(server.url("hostile_template")))
        upgrade(template)
        with template.transaction() as session:
            ensure_reference_data(session)
            session.add(BillingPeriod(period=CLOSED, status=PeriodStatus.CLOSED))
            session.add(BillingPeriod(period=dt.date(2026, 10, 1), status=PeriodStatus.OPEN))
        for login, role in STAFF.items():
            add_staff(template, SYSTEM, login, role, "TMN-1", PASSWORD, f"Сотрудник {login}")
        make_account(template, number="7200000042")
        template.dispose()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def hostile(hostile_server: PgServer) -> Iterator[Hostile]:
    name = f"h_{uuid.uuid4().hex[:10]}"
    with scratch_database(hostile_server, name, template="hostile_template", pool_size=2) as owner:
        with owner.transaction() as session:  # a copy starts with the default database ACL
            session.execute(text("SELECT console_lock_database()"))
        with owner.read() as session:
            staff = dict(session.execute(text("SELECT login, id FROM staff")).all())
            row = session.execute(
                text(
                    "SELECT a.id, a.number, h.customer_id, a.premise_id, m.id, m.serial"
                    " FROM accounts a JOIN account_holders h ON h.account_id = a.id"
                    " JOIN meters m ON m.account_id = a.id WHERE a.number = '7200000042'"
                )
            ).one()
        made = Hostile(hostile_server, name, owner, staff, AccountIds(*row), [])
        try:
            yield made
        finally:
            for conn in made.opened:
                conn.close()


def money(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture
def signed_desks(hostile: Hostile) -> Iterator[dict[str, SignedIn]]:
    """Every staff login of :data:`STAFF` signed in at a desk of the hostile database."""
    settings = Settings(database_url=hostile.server.url(hostile.name), workstation="desk-1")
    signed = {login: auth.connect_as(settings, login, PASSWORD) for login in STAFF}
    try:
        yield signed
    finally:
        for desk in signed.values():
            desk.db.dispose()
