"""Migration 0005 upgrades a database that staff already use, and never queues the desks.

The database is filled at revision 0004 with staff made the old way (logins in the shared
``console_*`` groups, administrators with CREATEROLE), then upgraded in place.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import text

from console.models.enums import PaymentMethod
from console.services.core.database import Database
from console.services.core.reference_data import ensure_reference_data
from console.services.core.schema import current_revision, head_revision, upgrade
from console.services.payments import counter
from console.services.staff import auth
from console.settings import Settings
from tests.security.conftest import PASSWORD, Hostile
from tests.support.factories import stored_identity
from tests.support.pgserver import PgServer, scratch_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def old_database(hostile_server: PgServer) -> Iterator[tuple[str, Database]]:
    name = f"old_{uuid.uuid4().hex[:8]}"
    with scratch_database(hostile_server, name) as db:
        yield name, db


def _old_staff(db: Database, login: str, role: str, group: str, extra: str = "") -> None:
    suffix = uuid.uuid4().hex[:4]
    with db.transaction() as session:
        create = f"CREATE ROLE \"{login}\" LOGIN {extra} PASSWORD '{PASSWORD}' IN ROLE {group}"
        session.execute(text(create))
        office = session.scalar(text("SELECT id FROM offices WHERE code = 'TMN-1'"))
        session.execute(
            text(
                "INSERT INTO staff (login, full_name, role, office_id, is_active, version)"
                " VALUES (:l, :n, :r, :o, true, 1)"
            ),
            {"l": login, "n": f"Сотрудник {suffix}", "r": role, "o": office},
        )


def _old_account(db: Database) -> int:
    """An account with its owner and a passport, written in the 0004 schema's own columns."""
    with db.transaction() as session:
        premise = session.scalar(
            text(
                "INSERT INTO premises (region_id, settlement_type, settlement, settlement_kind,"
                " house, residents, stove_type, search_text) SELECT id, 'г.', 'Тюмень', 'urban',"
                " '7', 1, 'gas', 'тюмень 7' FROM regions ORDER BY id LIMIT 1 RETURNING id"
            )
        )
        account = session.scalar(
            text(
                "INSERT INTO accounts (number, supplier_id, premise_id, category, status,"
                " bill_delivery, opened_on) SELECT '7200000077', id, :p, 'urban_gas_stove',"
                " 'active', 'paper', '2020-01-01' FROM suppliers ORDER BY id LIMIT 1"
                " RETURNING id"
            ),
            {"p": premise},
        )
        customer = session.scalar(
            text(
                "INSERT INTO customers (last_name, first_name, birth_date, passport_series,"
                " passport_number, snils, mailing_consent, search_text, created_at) VALUES"
                " ('Старова', 'Анна', '1970-02-03', '7101', '123456', '11223344595', false,"
                " 'старова анна', now()) RETURNING id"
            )
        )
        session.execute(
            text(
                "INSERT INTO account_holders (account_id, customer_id, relation, is_primary,"
                " bound_at) VALUES (:a, :c, 'owner', true, now())"
            ),
            {"a": account, "c": customer},
        )
    return int(account)


def test_an_old_database_is_upgraded_in_place_and_its_staff_keep_working(
    hostile_server: PgServer, old_database: tuple[str, Database]
) -> None:
    name, db = old_database
    upgrade(db, "0004_lean_indexes")
    with db.transaction() as session:
        ensure_reference_data(session)
    account = _old_account(db)
    clerk, admin = f"old.clerk.{uuid.uuid4().hex[:4]}", f"old.admin.{uuid.uuid4().hex[:4]}"
    _old_staff(db, clerk, "clerk", "console_clerk")
    _old_staff(db, admin, "admin", "console_admin", "CREATEROLE")
    with db.read() as session:
        before = session.execute(
            text("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM customers)")
        ).one()

    upgrade(db)

    assert current_revision(db) == head_revision()
    with db.read() as session:
        after = session.execute(
            text("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM customers)")
        ).one()
        createrole = session.scalar(
            text("SELECT rolcreaterole FROM pg_roles WHERE rolname = :a"), {"a": admin}
        )
        shared_group_can_write = session.scalar(
            text("SELECT has_table_privilege('console_clerk', 'payments', 'INSERT')")
        )
    assert tuple(after) == tuple(before)
    with db.read() as session:
        customer = session.scalar(text("SELECT id FROM customers WHERE last_name = 'Старова'"))
    kept = stored_identity(db, int(customer))
    assert (kept.series, kept.number, kept.snils) == ("7101", "123456", "11223344595")
    assert createrole is False, "an administrator's login loses CREATEROLE"
    assert shared_group_can_write is False, "the shared groups of 0002 lose this database"
    settings = Settings(database_url=hostile_server.url(name), workstation="desk-2")
    desk = auth.connect_as(settings, clerk, PASSWORD)
    try:
        with desk.db.read() as session:
            service = session.scalar(text("SELECT id FROM services WHERE code = 'electricity'"))
        form = counter.PaymentForm(
            account_id=account, total=Decimal("100.00"),
            allocations={service: Decimal("100.00")}, method=PaymentMethod.CARD, confirmed=True,
        )  # fmt: skip
        counter.take_payment(desk.db, desk.actor, form, uuid.uuid4().hex)
    finally:
        desk.db.dispose()


def test_a_migration_waits_seconds_not_forever_behind_a_desk(hostile: Hostile) -> None:
    """A desk holds a payment's transaction open; the upgrade gives up after lock_timeout."""
    from alembic import command

    from console.services.core.schema import alembic_config

    desk = hostile.psql("clerk.a")
    desk.execute("BEGIN")
    desk.execute("SELECT id FROM payments FOR UPDATE")  # a row lock, as taking a payment holds
    desk.execute("LOCK TABLE payments IN ROW EXCLUSIVE MODE")
    cfg = alembic_config()
    with hostile.owner.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.stamp(cfg, "0004_lean_indexes")
    done: list[BaseException | None] = []

    def run() -> None:
        try:
            upgrade(hostile.owner)
            done.append(None)
        except BaseException as err:  # noqa: BLE001 - reported to the test thread
            done.append(err)

    started = time.monotonic()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    waited = time.monotonic() - started
    assert done and done[0] is not None, "the migration should have given up"
    assert "lock timeout" in str(done[0]).lower()
    assert waited < 15, waited
    assert current_revision(hostile.owner) == "0004_lean_indexes", "nothing half-done"
    desk.execute("ROLLBACK")
    upgrade(hostile.owner)  # once the desk is done, the same upgrade goes through
    assert current_revision(hostile.owner) == head_revision()
