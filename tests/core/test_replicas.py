"""Reads on a real streaming hot standby, with read-your-writes and a fall-back to the primary.

The session starts a primary of its own and a standby made by pg_basebackup -R on another port.
A desk configured with the standby as its read URL reads there when the standby is caught up
(``pg_is_in_recovery()`` on the very connection), sees its own write on the next card read
(it waits for the standby's replay to pass the write, or reads the primary), falls back to the
primary with a status-bar note when the standby is stopped or lags past the bound, and signs in,
searches passports and reveals them (all audited) on the primary.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select, text

from console.models import AuditEvent
from console.models.enums import StaffRole
from console.services.account import card
from console.services.core import health
from console.services.core.database import Database, create_db_engine
from console.services.core.errors import DatabaseUnavailableError
from console.services.lookup import search
from console.services.privacy import identity
from console.services.registration import edit as registration_edit
from console.services.staff import auth
from console.settings import load_settings
from tests.support.factories import AccountIds, make_account, make_login, stored_identity
from tests.support.pgbouncer import PgBouncer, require_pgbouncer, start_pgbouncer
from tests.support.pgserver import Standby

PASSWORD = "Пароль-2026!"


@pytest.fixture
def owner(standby: Standby) -> Iterator[Database]:
    db = Database(create_db_engine(standby.primary.url(standby.database)))
    yield db
    db.dispose()


@pytest.fixture
def clerk(owner: Database) -> str:
    login = f"rr_{uuid.uuid4().hex[:8]}"
    make_login(owner, login, StaffRole.CLERK, PASSWORD)
    return login


@pytest.fixture
def account(owner: Database, standby: Standby) -> AccountIds:
    made = make_account(owner)
    standby.caught_up()
    return made


def _sign_in(standby: Standby, login: str, **changes: object) -> auth.SignedIn:
    settings = load_settings(
        standby.primary.url(standby.database),
        db_read_urls=(f"postgresql://127.0.0.1:{standby.replica.port}/",),
        db_replica_retry_s=1.0,
        **changes,
    )
    return auth.connect_as(settings, login, PASSWORD)


def _where(db: Database) -> tuple[bool, int]:
    """(in recovery, server port) of the connection a read unit gets."""
    with db.read() as session:
        row = session.execute(text("SELECT pg_is_in_recovery(), inet_server_port()")).one()
    return bool(row[0]), int(row[1])


def _edit(db: Database, actor: auth.Actor, customer_id: int, phone: str) -> None:
    seen = registration_edit.customer_details(db, customer_id)
    registration_edit.update_customer(
        db, actor, customer_id, seen.version,
        registration_edit.CustomerEdit(
            last_name=seen.last_name, first_name=seen.first_name,
            middle_name=seen.middle_name or "", registration_address="", snils="", phone=phone,
            email="", mailing_consent=seen.mailing_consent,
        ),
    )  # fmt: skip


def test_reads_go_to_the_standby_when_it_is_caught_up(
    standby: Standby, clerk: str, account: AccountIds
) -> None:
    desk = _sign_in(standby, clerk)
    try:
        assert _where(desk.db) == (True, standby.replica.port)
        # the search box's own line too
        assert desk.db.lookup_line.fetch("SELECT pg_is_in_recovery()", {}) == [(True,)]
        assert search.search(desk.db, account.number).rows
        assert desk.db.read_note == ""
        # who signed in was read on the primary, whatever the replicas
        with desk.db.read(primary=True) as session:
            assert session.scalar(text("SELECT pg_is_in_recovery()")) is False
    finally:
        desk.db.dispose()


def test_a_write_is_on_the_next_card_read(
    standby: Standby, clerk: str, account: AccountIds
) -> None:
    desk = _sign_in(standby, clerk)
    try:
        for n in range(15):
            phone = f"+7912000{n:04d}"
            _edit(desk.db, desk.actor, account.customer_id, phone)
            shown = card.load_card(desk.db, account.account_id)
            assert shown.holder is not None and shown.holder.phone == phone
        # and those reads were the standby's: it has the writes (the desk waited for them)
        assert _where(desk.db) == (True, standby.replica.port)
        assert desk.db.router is not None and desk.db.router.served["replica"] >= 15
    finally:
        desk.db.dispose()


def test_a_standby_that_does_not_replay_leaves_reads_to_the_primary(
    standby: Standby, clerk: str, account: AccountIds
) -> None:
    desk = _sign_in(standby, clerk, db_replica_max_lag_s=1.0, db_replica_wait_ms=100)
    standby.replica_sql("SELECT pg_wal_replay_pause()")
    try:
        _edit(desk.db, desk.actor, account.customer_id, "+79120001111")
        shown = card.load_card(desk.db, account.account_id)  # the standby has not got it
        assert shown.holder is not None and shown.holder.phone == "+79120001111"
        assert _where(desk.db)[0] is False
        time.sleep(2.5)  # past the bound and past the check interval
        assert _where(desk.db)[0] is False
        assert "отстаёт" in health.ping(desk.db)
    finally:
        standby.replica_sql("SELECT pg_wal_replay_resume()")
    standby.caught_up()
    time.sleep(2.1)  # the lagging replica is looked at again after the check interval
    assert _where(desk.db) == (True, standby.replica.port)
    assert health.ping(desk.db) == ""
    desk.db.dispose()


def test_a_stopped_standby_falls_back_to_the_primary_with_a_note(
    standby: Standby, clerk: str, account: AccountIds
) -> None:
    desk = _sign_in(standby, clerk)
    try:
        assert _where(desk.db)[0] is True
        assert desk.db.lookup_line.fetch("SELECT 1", {}) == [(1,)]
        standby.replica.stop("fast")
        try:
            assert _where(desk.db) == (False, standby.primary.port)
            assert search.search(desk.db, account.number).rows  # the line moves too
            note = health.ping(desk.db)
            assert "недоступна" in note and note == desk.db.read_note
            _edit(desk.db, desk.actor, account.customer_id, "+79120002222")
            shown = card.load_card(desk.db, account.account_id)
            assert shown.holder is not None and shown.holder.phone == "+79120002222"
        finally:
            standby.replica.start()
        standby.caught_up()
        time.sleep(1.1)  # db_replica_retry_s
        assert _where(desk.db) == (True, standby.replica.port)
        assert health.ping(desk.db) == ""
    finally:
        desk.db.dispose()


def test_sign_in_and_audited_passport_reads_are_on_the_primary(
    standby: Standby, owner: Database, clerk: str, account: AccountIds
) -> None:
    desk = _sign_in(standby, clerk)
    try:
        stored = card.load_card(desk.db, account.account_id)
        assert stored.holder is not None
        known = stored_identity(owner, account.customer_id)
        series, number = known.series or "", known.number or ""
        found = search.search(desk.db, f"{series} {number}", actor=desk.actor)
        assert [row.number for row in found.rows] == [account.number]
        with desk.db.transaction() as session:
            shown = identity.reveal(session, desk.actor, account.customer_id)
        assert shown is not None and shown.number == number
        with owner.read() as session:
            done = set(
                session.scalars(
                    select(AuditEvent.action).where(AuditEvent.staff_id == desk.actor.staff_id)
                )
            )
        assert {"staff.sign_in", "customer.search_passport", "customer.reveal_passport"} <= done
    finally:
        desk.db.dispose()


def test_a_desk_pointed_at_the_standby_as_its_primary_gets_a_russian_refusal(
    standby: Standby, clerk: str, account: AccountIds
) -> None:
    """The issue's raw traceback: sign-in writes its audit record, and a standby refuses."""
    settings = load_settings(standby.replica.url(standby.database))
    with pytest.raises(DatabaseUnavailableError, match="только для чтения"):
        auth.connect_as(replace(settings), clerk, PASSWORD)


def test_the_status_bar_says_when_reads_go_to_the_primary(  # type: ignore[no-untyped-def]
    qtbot, standby: Standby, clerk: str, account: AccountIds
) -> None:
    from PySide6.QtWidgets import QMainWindow

    from console.views.common.connection_status import ConnectionLabel, ConnectionMonitor
    from console.views.common.context import ViewContext
    from console.views.common.tasks import TaskRunner

    desk = _sign_in(standby, clerk)
    tasks = TaskRunner()
    window = QMainWindow()
    qtbot.addWidget(window)
    try:
        ctx = ViewContext(desk.db, load_settings(), desk.actor, tasks)
        monitor = ConnectionMonitor(ctx, window)
        label = ConnectionLabel(monitor, window)
        window.statusBar().addPermanentWidget(label)
        assert label.text() == "Связь с базой: есть"
        standby.replica.stop("fast")
        try:
            with qtbot.waitSignal(monitor.note_changed, timeout=30000):
                monitor.check()
            assert label.text() == "Связь с базой: есть (чтение с основного сервера)"
            assert "недоступна" in label.toolTip()
            assert "недоступна" in window.statusBar().currentMessage()
        finally:
            standby.replica.start()
        standby.caught_up()
        time.sleep(1.1)  # db_replica_retry_s
        with qtbot.waitSignal(monitor.note_changed, timeout=30000):
            monitor.check()
        assert label.text() == "Связь с базой: есть"
    finally:
        tasks.shutdown()
        desk.db.dispose()


def test_read_urls_come_from_a_list_or_one_string() -> None:
    from console.settings import read_urls

    assert read_urls("postgresql://r1/db, postgresql://r2/db") == (
        "postgresql://r1/db",
        "postgresql://r2/db",
    )
    assert read_urls(["postgresql://r1/db"]) == ("postgresql://r1/db",)
    assert load_settings("postgresql://p/db", db_read_urls="postgresql://r1").db_read_urls == (
        "postgresql://r1",
    )


def test_a_replica_url_takes_the_login_and_database_of_the_primary() -> None:
    from console.services.core.database import normalise_url, replica_url

    primary = normalise_url("postgresql://clerk.a@primary:5432/retail?sslmode=verify-full")
    made = replica_url("postgresql://replica1:5433", primary)
    assert (made.username, made.host, made.port, made.database) == (
        "clerk.a", "replica1", 5433, "retail",
    )  # fmt: skip
    assert made.query == {"sslmode": "verify-full"}
    with pytest.raises(Exception, match="Пароль"):
        replica_url("postgresql://x:secret@replica1/retail", primary)


def test_a_write_whose_position_is_unknown_keeps_reads_on_the_primary_until_the_next() -> None:
    from console.services.core.replicas import ReadRouter

    router = ReadRouter([])
    router.wrote(100)
    router.wrote(None)
    assert router.written > 10**18
    router.wrote(120)
    assert router.written == 120
    router.wrote(110)  # an older position never moves it back
    assert router.written == 120


@pytest.fixture
def standby_bouncers(standby: Standby) -> Iterator[tuple[PgBouncer, PgBouncer]]:
    """A PgBouncer (transaction mode) before the primary and one before the standby."""
    require_pgbouncer()
    before_primary = start_pgbouncer(standby.primary.port)
    try:
        before_replica = start_pgbouncer(standby.replica.port)
        try:
            yield before_primary, before_replica
        finally:
            before_replica.stop()
    finally:
        before_primary.stop()


def test_through_pgbouncer_in_front_of_both_servers(
    standby: Standby,
    standby_bouncers: tuple[PgBouncer, PgBouncer],
    clerk: str,
    account: AccountIds,
) -> None:
    """The retailer's set-up: both poolers are found out, reads go to the standby, a write is on
    the next card read, and nothing collides although psycopg would prepare from the fifth run."""
    before_primary, before_replica = standby_bouncers
    settings = load_settings(
        before_primary.url(standby.database),
        db_read_urls=(f"postgresql://127.0.0.1:{before_replica.port}/",),
    )
    desk = auth.connect_as(settings, clerk, PASSWORD)
    try:
        assert desk.db.behind_pooler
        assert desk.db.router is not None
        assert _where(desk.db) == (True, standby.replica.port)
        for n in range(8):
            phone = f"+7912111{n:04d}"
            _edit(desk.db, desk.actor, account.customer_id, phone)
            shown = card.load_card(desk.db, account.account_id)
            assert shown.holder is not None and shown.holder.phone == phone
            assert search.search(desk.db, account.number).rows
        assert desk.db.router.served["replica"] >= 16
        users = [row["user"] for row in before_replica.pools(standby.database)]
        assert clerk in users  # the standby's PgBouncer pools per login too
    finally:
        desk.db.dispose()


def test_a_replica_back_from_down_is_measured_before_it_serves() -> None:
    from sqlalchemy import create_engine

    from console.services.core.replicas import ReadRouter, ReadRouting, Replica

    replica = Replica(create_engine("sqlite://"))
    router = ReadRouter([replica], ReadRouting(retry_s=0.0, check_every_s=60))
    asked: list[str] = []

    def run(sql: str) -> tuple[bool, int, float]:
        asked.append(sql)
        return (True, 500, 0.0)

    assert router.usable(replica, run) and len(asked) == 1
    router.went_down(replica)
    assert router.note.endswith("недоступна.")
    assert router.candidates() == [replica]  # retry_s has passed
    assert router.usable(replica, run) and len(asked) == 2
    assert replica.state == "ok" and router.note == ""
