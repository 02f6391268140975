"""Signing in on the embedded database: Argon2 hashes, one vague message on failure, first start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from console.models import AuditEvent, Staff
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import (
    ConsoleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import auth, members, passwords
from console.services.staff.actor import SYSTEM
from tests.support.factories import make_login

PASSWORD = "Пароль-2026!"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Real Argon2id, with small costs: the default costs take a second a hash on this box."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def desk(sqlite_db: Database) -> Database:
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    return sqlite_db


def _actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_with_the_right_password(desk: Database) -> None:
    made = make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    actor = auth.authenticate(desk, "  Ivanova.A ", PASSWORD, workstation="desk-7")
    assert (actor.staff_id, actor.role, actor.office_name) == (
        made.staff_id,
        StaffRole.CLERK,
        made.office_name,
    )
    assert actor.workstation == "desk-7"
    with desk.read() as session:
        stored = session.scalars(
            select(Staff.password_hash).where(Staff.login == "ivanova.a")
        ).one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert _actions(desk)[-1] == "staff.sign_in"


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("ivanova.a", "wrong-password"),
        ("nobody", PASSWORD),
        ("", PASSWORD),
        ("DROP TABLE staff;--", PASSWORD),
        ("ivanova.a", ""),
    ],
)
def test_a_failed_sign_in_says_nothing_specific(desk: Database, login: str, password: str) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    with pytest.raises(PermissionDeniedError) as caught:
        auth.authenticate(desk, login, password)
    assert str(caught.value) == auth.BAD_CREDENTIALS
    if passwords.LOGIN_PATTERN.fullmatch(login):
        assert _actions(desk)[-1] == "staff.sign_in_failed"


def test_a_disabled_staff_member_cannot_sign_in(desk: Database) -> None:
    make_login(desk, "petrov", StaffRole.CLERK, PASSWORD)
    members.disable_staff(desk, SYSTEM, "petrov")
    with pytest.raises(PermissionDeniedError, match="Неверный логин или пароль"):
        auth.authenticate(desk, "petrov", PASSWORD)


def test_unknown_office_is_reported_next_to_the_office_field(desk: Database) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    with pytest.raises(ValidationError) as caught:
        auth.authenticate(desk, "ivanova.a", PASSWORD, office_code="НЕТ-1")
    assert caught.value.field == "office"


def test_first_start_signs_in_the_administrator_and_sets_the_password(desk: Database) -> None:
    assert auth.needs_first_password(desk)
    with pytest.raises(ValidationError, match="короткий"):
        auth.first_start(desk, "123")
    actor = auth.first_start(desk, PASSWORD, workstation="desk-1")
    assert actor.is_admin and actor.login == "admin"
    assert not auth.needs_first_password(desk)
    assert auth.authenticate(desk, "admin", PASSWORD).staff_id == actor.staff_id
    with pytest.raises(PermissionDeniedError, match="Пароли уже заданы"):
        auth.first_start(desk, None)


def test_first_start_may_postpone_the_password(desk: Database) -> None:
    actor = auth.first_start(desk, None)
    assert actor.is_admin
    assert auth.needs_first_password(desk)


def test_autologin_is_for_the_embedded_desk(desk: Database) -> None:
    actor = auth.actor_for_login(desk, "admin", office_code="TMN-1")
    assert actor.is_admin and actor.office_name
    with pytest.raises(ConsoleError, match="нет в базе"):
        auth.actor_for_login(desk, "nobody")


def test_only_an_administrator_adds_or_disables_staff(desk: Database) -> None:
    clerk = make_login(desk, "clerk1", StaffRole.CLERK, PASSWORD)
    supervisor = make_login(desk, "boss1", StaffRole.SUPERVISOR, PASSWORD)
    for who in (clerk, supervisor):
        with pytest.raises(PermissionDeniedError, match="только администратор"):
            members.add_staff(desk, who, "newbie", "clerk", "TMN-1", PASSWORD)
        with pytest.raises(PermissionDeniedError, match="только администратор"):
            members.disable_staff(desk, who, "clerk1")
    with pytest.raises(PermissionDeniedError):
        members.set_password(desk, clerk, "boss1", PASSWORD)
    members.set_password(desk, clerk, "clerk1", "Новый-пароль-1")
    assert auth.authenticate(desk, "clerk1", "Новый-пароль-1").staff_id == clerk.staff_id


def test_add_staff_checks_its_input(desk: Database) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    cases = [
        (("ivanova.a", "clerk", "TMN-1", PASSWORD), "login"),
        (("Иванова", "clerk", "TMN-1", PASSWORD), "login"),
        (("pg_admin", "clerk", "TMN-1", PASSWORD), "login"),
        (("ok_login", "boss", "TMN-1", PASSWORD), "role"),
        (("ok_login", "clerk", "НЕТ", PASSWORD), "office"),
        (("ok_login", "clerk", "TMN-1", "short"), "password"),
        (("ok_login", "clerk", "TMN-1", "пароль\x00пароль"), "password"),
    ]
    for args, field in cases:
        with pytest.raises(ValidationError) as caught:
            members.add_staff(desk, SYSTEM, *args)
        assert caught.value.field == field, args
    assert [m.login for m in members.list_staff(desk)] == ["admin", "ivanova.a"]


def test_the_last_administrator_stays(desk: Database) -> None:
    with pytest.raises(ValidationError, match="последнего администратора"):
        members.disable_staff(desk, SYSTEM, "admin")
    admin2 = make_login(desk, "admin2", StaffRole.ADMIN, PASSWORD)
    with pytest.raises(ValidationError, match="Свою"):
        members.disable_staff(desk, admin2, "admin2")
    assert members.disable_staff(desk, admin2, "admin").is_active is False
    with pytest.raises(NotFoundError):
        members.disable_staff(desk, admin2, "ghost")


def test_staff_changes_are_in_the_audit_trail_without_secrets(desk: Database) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    members.set_password(desk, SYSTEM, "ivanova.a", "Другой-пароль-2")
    members.disable_staff(desk, SYSTEM, "ivanova.a")
    with desk.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        dumped = repr([(e.action, e.before, e.after) for e in events])
        actions = [e.action for e in events]
    assert actions == ["staff.create", "staff.set_password", "staff.disable"]
    assert PASSWORD not in dumped and "Другой-пароль" not in dumped and "argon2" not in dumped
