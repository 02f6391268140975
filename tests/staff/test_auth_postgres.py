"""Signing in on PostgreSQL: the server checks the password (SCRAM), the console maps the role.

The session's shared server trusts every local connection, so this module starts its own small
cluster that asks staff roles for a SCRAM password (the superuser stays trusted for set-up).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import text

from console.models.enums import StaffRole
from console.services.core.database import Database, create_db_engine
from console.services.core.errors import PermissionDeniedError
from console.services.core.reference_data import ensure_reference_data
from console.services.core.schema import upgrade
from console.services.staff import auth, members
from console.services.staff.actor import SYSTEM
from console.settings import Settings
from tests.support.pgserver import (
    PgServer,
    ask_for_passwords,
    require_server_binaries,
    start_server,
)

pytestmark = pytest.mark.postgres
PASSWORD = "Пароль-2026!"  # Cyrillic on purpose: libpq's SASLprep must agree with ours


@pytest.fixture(scope="module")
def scram_server() -> Iterator[PgServer]:
    require_server_binaries("PostgreSQL sign-in tests")
    server = start_server()
    try:
        ask_for_passwords(server)
        admin = create_db_engine(server.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CREATE DATABASE console"))
        admin.dispose()
        owner = Database(create_db_engine(server.url("console")))
        upgrade(owner)
        with owner.transaction() as session:
            ensure_reference_data(session)
        owner.dispose()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def owner(scram_server: PgServer) -> Iterator[Database]:
    db = Database(create_db_engine(scram_server.url("console")))
    yield db
    db.dispose()


@pytest.fixture
def settings(scram_server: PgServer) -> Settings:
    return Settings(database_url=scram_server.url("console"), workstation="desk-9")


def _login(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:6]}"


def test_staff_member_signs_in_as_their_own_role(owner: Database, settings: Settings) -> None:
    login = _login("clerk")
    members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD, "Иванова Анна")
    signed = auth.connect_as(settings, login, PASSWORD)
    try:
        assert signed.actor.login == login and signed.actor.role is StaffRole.CLERK
        assert signed.actor.office_name and signed.actor.workstation == "desk-9"
        with signed.db.read() as session:
            assert session.scalar(text("SELECT current_user")) == login
        auth.verify_password(signed.db, signed.actor, PASSWORD, settings)
        with pytest.raises(PermissionDeniedError, match="Неверный логин или пароль"):
            auth.verify_password(signed.db, signed.actor, "не тот пароль", settings)
    finally:
        signed.db.dispose()


def test_a_wrong_unlock_password_is_recorded_through_the_live_session(
    owner: Database, settings: Settings
) -> None:
    login = _login("clerk")
    member = members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD, "Петрова Б.")
    signed = auth.connect_as(settings, login, PASSWORD)

    def failures() -> list[tuple[int | None, str | None]]:
        with owner.read() as session:
            rows = session.execute(
                text("SELECT staff_id, workstation FROM audit_events "
                     "WHERE action = 'staff.unlock_failed' AND staff_id = :s ORDER BY id"),
                {"s": member.id},
            )  # fmt: skip
            return [(r[0], r[1]) for r in rows]

    try:
        for _ in range(2):
            with pytest.raises(auth.BadCredentialsError):
                auth.verify_password(signed.db, signed.actor, "не тот пароль", settings)
        auth.verify_password(signed.db, signed.actor, PASSWORD, settings)
        auth.sign_out(signed.db, signed.actor, "unlock_failed")
    finally:
        signed.db.dispose()
    assert failures() == [(member.id, "desk-9")] * 2
    with owner.read() as session:
        out = session.execute(
            text("SELECT staff_id, after FROM audit_events WHERE action = 'staff.sign_out'")
        ).one()
    assert out[0] == member.id and out[1] == {"reason": "unlock_failed"}


@pytest.mark.parametrize("case", ["wrong password", "unknown login", "disabled"])
def test_a_refused_sign_in_is_vague(owner: Database, settings: Settings, case: str) -> None:
    login = _login("clerk")
    members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD)
    password = PASSWORD
    if case == "wrong password":
        password = "Пароль-2025!"
    elif case == "unknown login":
        login = _login("ghost")
    else:
        members.disable_staff(owner, SYSTEM, login)
    with pytest.raises(PermissionDeniedError) as caught:
        auth.connect_as(settings, login, password)
    assert str(caught.value) == auth.BAD_CREDENTIALS


def test_a_role_that_is_not_staff_is_told_so(owner: Database, settings: Settings) -> None:
    login = _login("dba")
    with owner.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE \"{login}\" LOGIN PASSWORD 'Пароль-2026!'"))
    with pytest.raises(PermissionDeniedError, match="нет среди действующих сотрудников"):
        auth.connect_as(settings, login, PASSWORD)


def test_administrator_manages_staff_from_the_console(owner: Database, settings: Settings) -> None:
    admin_login, clerk_login = _login("admin"), _login("clerk")
    members.add_staff(owner, SYSTEM, admin_login, "admin", "TMN-1", PASSWORD)
    admin = auth.connect_as(settings, admin_login, PASSWORD)
    try:
        members.add_staff(admin.db, admin.actor, clerk_login, "clerk", "TMN-1", PASSWORD)
        clerk = auth.connect_as(settings, clerk_login, PASSWORD)
        try:
            with pytest.raises(PermissionDeniedError, match="только администратор"):
                members.add_staff(clerk.db, clerk.actor, _login("x"), "clerk", "", PASSWORD)
            # The server refuses too, for whoever bypasses the console.
            with pytest.raises(Exception, match="permission denied"), clerk.db.engine.begin() as c:
                c.execute(text("CREATE ROLE intruder LOGIN IN ROLE console_admin"))
            members.set_password(clerk.db, clerk.actor, clerk_login, "Сменённый-пароль")
        finally:
            clerk.db.dispose()
        auth.connect_as(settings, clerk_login, "Сменённый-пароль").db.dispose()
        members.disable_staff(admin.db, admin.actor, clerk_login)
        with owner.read() as session:
            can_login = session.scalar(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": clerk_login}
            )
        assert can_login is False
    finally:
        admin.db.dispose()


def test_staff_add_refuses_an_existing_role(owner: Database) -> None:
    from console.services.core.errors import ValidationError

    login = _login("taken")
    with owner.engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{login}" NOLOGIN'))
    with pytest.raises(ValidationError, match="уже есть роль"):
        members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD)
    assert login not in {m.login for m in members.list_staff(owner)}


def test_unreachable_server_is_not_a_wrong_password(settings: Settings) -> None:
    from console.services.core.errors import DatabaseUnavailableError

    closed = replace(settings, database_url="postgresql://x@127.0.0.1:1/console")
    with pytest.raises(DatabaseUnavailableError, match="Нет связи с базой данных"):
        auth.connect_as(closed, "ivanova", PASSWORD)


def test_tls_settings_reach_libpq(owner: Database, settings: Settings) -> None:
    from console.services.core.errors import ConsoleError, DatabaseUnavailableError

    login = _login("clerk")
    members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD)
    # This test server has no certificate: a desk that insists on TLS must not fall back.
    for mode in ("require", "verify-full"):
        strict = replace(settings, db_sslmode=mode, db_sslrootcert="/nonexistent/root.crt")
        with pytest.raises(DatabaseUnavailableError, match="(SSL|ssl|root.crt)"):
            auth.connect_as(strict, login, PASSWORD)
    with pytest.raises(ConsoleError, match="Неверный режим TLS"):
        auth.connect_as(replace(settings, db_sslmode="maybe"), login, PASSWORD)
    auth.connect_as(replace(settings, db_sslmode="prefer"), login, PASSWORD).db.dispose()


def test_a_missing_database_is_not_a_wrong_password(owner: Database, settings: Settings) -> None:
    from console.services.core.errors import DatabaseUnavailableError

    login = _login("clerk")
    members.add_staff(owner, SYSTEM, login, "clerk", "TMN-1", PASSWORD)
    elsewhere = replace(settings, database_url=settings.database_url.rsplit("/", 1)[0] + "/nope")
    with pytest.raises(DatabaseUnavailableError, match="nope"):
        auth.connect_as(elsewhere, login, PASSWORD)
