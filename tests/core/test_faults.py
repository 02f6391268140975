"""Holding up under faults on the real PostgreSQL: no lost update, no lost or doubled save."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from console.models import Customer, Payment
from console.models.enums import AuditAction, PaymentMethod, StaffRole
from console.services.core import health
from console.services.core.concurrency import expect_version
from console.services.core.database import Database
from console.services.core.errors import ConflictError, DatabaseUnavailableError
from console.services.lookup import search
from console.services.staff import audit
from console.services.staff.actor import Actor
from tests.support.factories import AccountIds, connect_as, make_account, make_login
from tests.support.pgserver import PgServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def clerks(pg_db: Database) -> Iterator[list[tuple[Actor, Database]]]:
    made = []
    for _ in range(2):
        actor = make_login(pg_db, f"clerk_{uuid.uuid4().hex[:8]}", StaffRole.CLERK)
        made.append((actor, connect_as(pg_db, actor.login)))
    yield made
    for _, db in made:
        db.dispose()


def save_phone(db: Database, actor: Actor, customer_id: int, seen_version: int, phone: str) -> int:
    """What the registration form's save does: check the version shown, write, audit."""
    with db.transaction() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        expect_version(customer, seen_version)
        before = audit.snapshot(customer, "phone")
        customer.phone = phone
        session.flush()
        audit.record(
            session, actor, AuditAction.CUSTOMER_UPDATE, "customer", customer.id,
            before=before, after={"phone": phone},
        )  # fmt: skip
        return customer.version


def test_second_save_of_the_same_customer_is_refused(
    pg_db: Database, clerks: list[tuple[Actor, Database]]
) -> None:
    (anna, anna_db), (boris, boris_db) = clerks
    ids = make_account(pg_db)
    with anna_db.read() as session:
        seen = session.get(Customer, ids.customer_id).version  # type: ignore[union-attr]
    # Both opened the card at version `seen`; Anna saves first.
    assert save_phone(anna_db, anna, ids.customer_id, seen, "+79120000001") == seen + 1
    with pytest.raises(ConflictError, match="Данные изменены другим сотрудником"):
        save_phone(boris_db, boris, ids.customer_id, seen, "+79120000002")
    with pg_db.read() as session:
        assert session.get(Customer, ids.customer_id).phone == "+79120000001"  # type: ignore[union-attr]


def test_a_race_inside_two_transactions_is_caught_by_the_version_column(
    pg_db: Database, clerks: list[tuple[Actor, Database]]
) -> None:
    (_, anna_db), (_, boris_db) = clerks
    ids = make_account(pg_db)
    with pytest.raises(ConflictError, match="Данные изменены другим сотрудником"):  # noqa: SIM117
        with boris_db.transaction() as boris_session:
            boris_row = boris_session.get(Customer, ids.customer_id)
            assert boris_row is not None
            with anna_db.transaction() as anna_session:
                anna_row = anna_session.get(Customer, ids.customer_id)
                assert anna_row is not None
                anna_row.phone = "+79120000001"
            boris_row.phone = "+79120000002"  # UPDATE … WHERE version = old: no row matches
    with pg_db.read() as session:
        row = session.get(Customer, ids.customer_id)
        assert row is not None and row.phone == "+79120000001" and row.version == 2


def take_payment_once(
    db: Database, actor: Actor, ids: AccountIds, key: str, *, slow: bool = False
) -> int:
    """The idempotent save the payment form makes: the key was made when the form opened."""
    with db.transaction() as session:
        found = session.scalar(select(Payment.id).where(Payment.idempotency_key == key))
        if found is not None:
            return found
        payment = Payment(
            account_id=ids.account_id, amount=Decimal("750.00"), paid_at=dt.datetime.now(dt.UTC),
            method=PaymentMethod.CASH, office_id=actor.office_id, staff_id=actor.staff_id,
            idempotency_key=key,
        )  # fmt: skip
        session.add(payment)
        session.flush()
        audit.record(session, actor, AuditAction.PAYMENT_CREATE, "payment", payment.id)
        if slow:
            # A slow moment of the save (a busy server): the test stops the server here.
            session.execute(text("SELECT pg_sleep(60)"))
        return payment.id


def test_connection_lost_mid_save_then_retry_leaves_one_record(
    pg_server: PgServer, pg_db: Database, clerks: list[tuple[Actor, Database]]
) -> None:
    (anna, anna_db) = clerks[0]
    ids = make_account(pg_db)
    key = uuid.uuid4().hex
    outcome: list[BaseException] = []

    def save() -> None:
        try:
            take_payment_once(anna_db, anna, ids, key, slow=True)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome.append(err)

    worker = threading.Thread(target=save)
    try:
        worker.start()
        _wait_until_sleeping(pg_db)
        # The test server commits asynchronously (synchronous_commit=off): make what was
        # committed before the crash durable, as a normal server would have it.
        with pg_db.engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
        pg_server.stop()  # immediate, like a crash: the backend in the middle of the save dies
        worker.join(timeout=120)
        with pytest.raises(DatabaseUnavailableError, match="Нет связи с базой данных"):
            health.ping(anna_db)
    finally:
        pg_server.start()
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], DatabaseUnavailableError), outcome
    assert "Введённые данные сохранены" in str(outcome[0])

    health.ping(anna_db)  # the pool reconnects by itself
    first = take_payment_once(anna_db, anna, ids, key)
    again = take_payment_once(anna_db, anna, ids, key)  # a second click, or a retry
    assert first == again
    with pg_db.read() as session:
        count = session.scalar(select(func.count()).where(Payment.idempotency_key == key))
    assert count == 1


def _wait_until_sleeping(db: Database) -> None:
    """Block until the save is inside pg_sleep (polling the server, not guessing a delay)."""
    for _ in range(600):
        with db.read() as session:
            busy = session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'"
                )
            )
        if busy:
            return
        threading.Event().wait(0.05)
    raise AssertionError("the save never reached the server")


def test_a_lookup_after_a_server_restart_finds_the_account_at_once(
    pg_server: PgServer, pg_db: Database
) -> None:
    """The lookup's own connection is never pinged: when it died with a restarted server, the
    lookup is run again on a fresh one, and the clerk sees hits."""
    ids = make_account(pg_db)
    number = ids.number
    assert search.search(pg_db, number).rows  # the lookup line is open
    with pg_db.engine.connect() as conn:  # the test server commits asynchronously
        conn.execute(text("CHECKPOINT"))
    pg_server.stop()
    pg_server.start()
    result = search.search(pg_db, number)
    assert [row.number for row in result.rows] == [number]
    with pg_db.read() as session:  # other reads ping first: they just work too
        assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_lookup_while_the_server_is_down_says_so_and_finds_again_when_it_is_back(
    pg_server: PgServer, pg_db: Database
) -> None:
    ids = make_account(pg_db)
    assert search.search(pg_db, ids.number).rows
    with pg_db.engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
    pg_server.stop()
    try:
        with pytest.raises(DatabaseUnavailableError, match="Нет связи с базой данных"):
            search.search(pg_db, ids.number)
    finally:
        pg_server.start()
    assert [row.number for row in search.search(pg_db, ids.number).rows] == [ids.number]
