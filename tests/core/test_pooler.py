"""The console through a real PgBouncer 1.18 in transaction mode, with default settings.

PgBouncer hands a server connection to another client after every COMMIT, so a desk may keep
no session state there: psycopg's prepared statements were the one piece it kept
(``DuplicatePreparedStatement: prepared statement "_pg3_0" already exists``). The console finds
the pooler out by itself (the cancel key PgBouncer makes up) and prepares nothing behind it.
PgBouncer pools per (database, login): with one login per clerk each signed-in clerk is a pool
of its own — measured here, with what keeps the server's count at the clerks actually working.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy import text

from console.models.enums import StaffRole
from console.services.account import card
from console.services.core.database import Database, connect_database
from console.services.lookup import search
from console.services.registration import edit as registration_edit
from console.services.staff import auth
from console.settings import Settings, load_settings
from tests.support.factories import make_account, make_login
from tests.support.pgbouncer import PgBouncer

PASSWORD = "Пароль-2026!"


def _settings(bouncer: PgBouncer, database: str, **changes: object) -> Settings:
    return replace(load_settings(bouncer.url(database)), **changes)  # type: ignore[arg-type]


def _name(db: Database) -> str:
    return str(db.engine.url.database)


@pytest.fixture
def clerks(pg_db: Database) -> Iterator[list[str]]:
    """Three clerk logins of their own in the test's database."""
    logins = [f"pool_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for login in logins:
        make_login(pg_db, login, StaffRole.CLERK, PASSWORD)
    yield logins


def test_the_console_finds_a_transaction_pooler_out_by_itself(
    pg_db: Database, pgbouncer: PgBouncer, clerks: list[str]
) -> None:
    direct = connect_database(load_settings(str(pg_db.engine.url)), pg_db.engine.url,
                              password=None, pool_size=1)  # fmt: skip
    pooled = auth.connect_as(_settings(pgbouncer, _name(pg_db)), clerks[0], PASSWORD).db
    try:
        assert not direct.behind_pooler
        assert pooled.behind_pooler
        told = auth.connect_as(
            _settings(pgbouncer, _name(pg_db), db_pooler="transaction"), clerks[0], PASSWORD
        ).db
        assert told.behind_pooler
        told.dispose()
    finally:
        direct.dispose()
        pooled.dispose()


def _work(db: Database, ids: list[int], number: str, rounds: int) -> None:
    """What a desk does all day: lookups, cards, edits — the same statements over and over."""
    for _ in range(rounds):
        assert search.search(db, number).rows
        card.load_card(db, ids[0])
        seen = registration_edit.customer_details(db, ids[1])
        with db.read() as session:
            session.execute(text("SELECT count(*) FROM regions WHERE code = :c"), {"c": "72"})
        del seen


def test_default_settings_work_through_pgbouncer_in_transaction_mode(
    pg_db: Database, pgbouncer: PgBouncer, clerks: list[str]
) -> None:
    """Two desks of one login share PgBouncer's one server connection (default_pool_size=1),
    each with a pool and a lookup line, from threads at once: nothing collides."""
    made = make_account(pg_db)
    settings = _settings(pgbouncer, _name(pg_db))
    assert settings.db_prepared_statements and settings.db_pooler == "auto"  # as shipped
    desks = [auth.connect_as(settings, clerks[0], PASSWORD).db for _ in range(2)]
    failures: list[BaseException] = []

    def desk(db: Database) -> None:
        try:
            _work(db, [made.account_id, made.customer_id], made.number, 12)
        except BaseException as err:  # noqa: BLE001 - reported below
            failures.append(err)

    threads = [threading.Thread(target=desk, args=(db,)) for db in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for db in desks:
        db.dispose()
    assert failures == []
    pools = {row["user"]: row for row in pgbouncer.pools(_name(pg_db))}
    assert pools[clerks[0]]["pool_mode"] == "transaction"


def test_without_the_check_prepared_statements_collide_behind_pgbouncer(
    pg_db: Database, pgbouncer: PgBouncer, clerks: list[str]
) -> None:
    """The control: told there is no pooler, two clients of one login prepare "_pg3_0" on the
    same server connection, as every clerk thread of the benchmark did before."""
    clients = [
        psycopg.connect(
            host="127.0.0.1",
            port=pgbouncer.port,
            dbname=_name(pg_db),
            user=clerks[1],
            password=PASSWORD,
            autocommit=True,
            prepare_threshold=1,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        with pytest.raises(psycopg.errors.DuplicatePreparedStatement):
            for _ in range(3):
                for conn in clients:
                    conn.execute("SELECT count(*) FROM regions WHERE code = %s", ("72",))
    finally:
        for conn in clients:
            conn.close()


def _server_connections(pg_db: Database, logins: list[str]) -> dict[str, int]:
    with pg_db.read() as session:
        rows = session.execute(
            text(
                "SELECT usename, count(*) FROM pg_stat_activity WHERE usename = ANY(:logins)"
                " GROUP BY usename"
            ),
            {"logins": logins},
        ).all()
    return {login: int(n) for login, n in rows}


def test_one_pool_per_login_and_idle_server_connections_close(
    pg_db: Database, pgbouncer: PgBouncer, clerks: list[str]
) -> None:
    """Per-login identity costs a pool per signed-in clerk; server_idle_timeout brings the
    server's count down to the clerks who worked lately, and the next action reconnects."""
    made = make_account(pg_db)
    settings = _settings(pgbouncer, _name(pg_db))
    desks = [auth.connect_as(settings, login, PASSWORD).db for login in clerks]
    try:
        for db in desks:
            _work(db, [made.account_id, made.customer_id], made.number, 1)
        pools = {row["user"]: row for row in pgbouncer.pools(_name(pg_db))}
        assert set(clerks) <= set(pools)  # a pool per login
        # default_pool_size = 1: at most one server connection per clerk, though each desk
        # holds two client connections (its pool and the lookup line)
        assert _server_connections(pg_db, clerks) == dict.fromkeys(clerks, 1)
        pgbouncer.admin("SET server_idle_timeout = 1")
        try:
            deadline = time.monotonic() + 15
            while _server_connections(pg_db, clerks) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert _server_connections(pg_db, clerks) == {}  # signed in, none on the server
            _work(desks[0], [made.account_id, made.customer_id], made.number, 1)
            assert _server_connections(pg_db, clerks) == {clerks[0]: 1}
        finally:
            pgbouncer.admin("SET server_idle_timeout = 600")
    finally:
        for db in desks:
            db.dispose()


def test_a_wrong_password_through_pgbouncer_is_the_usual_refusal(
    pg_db: Database, pgbouncer: PgBouncer, clerks: list[str]
) -> None:
    with pytest.raises(auth.BadCredentialsError):
        auth.connect_as(_settings(pgbouncer, _name(pg_db)), clerks[2], "не тот пароль")
