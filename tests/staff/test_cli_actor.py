"""The CLI acts as the login it connects with: never a guessed supervisor, never «Система»."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from console.models import AuditEvent
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import NotFoundError, ValidationError
from console.services.staff import auth
from console.services.staff.members import resolve_actor
from tests.support.factories import (
    connect_as,
    make_account,
    make_login,
    make_staff,
    stored_identity,
)

ROOT = Path(__file__).resolve().parents[2]


def console(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSOLE_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CONSOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def passport_searches(db: Database) -> list[int | None]:
    """Who each recorded passport search was made by (staff ids, in order)."""
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.staff_id)
                .where(AuditEvent.action.like("%passport%"))
                .order_by(AuditEvent.id)
            )
        )


def _passport(db: Database) -> str:
    stored = stored_identity(db, make_account(db).customer_id)
    return f"{stored.series} {stored.number}"


@pytest.mark.postgres
def test_search_by_passport_is_recorded_as_the_clerk_who_ran_it(
    pg_db: Database, tmp_path: Path
) -> None:
    make_staff(pg_db, "first-boss", StaffRole.SUPERVISOR)  # the old code's stand-in
    clerk = make_login(pg_db, "cli_clerk", StaffRole.CLERK)
    passport = _passport(pg_db)
    url = pg_db.engine.url.set(username="cli_clerk").render_as_string(hide_password=False)
    result = console("search", passport, "--database", url, "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert passport_searches(pg_db) == [clerk.staff_id]


@pytest.mark.postgres
def test_a_login_that_is_no_staff_member_acts_under_its_role_name(pg_db: Database) -> None:
    make_staff(pg_db, "some-boss", StaffRole.SUPERVISOR)
    owner = auth.command_line_actor(pg_db, "desk")
    role = pg_db.engine.url.username
    assert (owner.staff_id, owner.login, owner.full_name) == (None, role, role)
    clerk = make_login(pg_db, "cli_clerk2", StaffRole.CLERK)
    as_clerk = connect_as(pg_db, "cli_clerk2")
    try:
        actor = auth.command_line_actor(as_clerk, "desk", "TMN-1")
    finally:
        as_clerk.dispose()
    assert (actor.staff_id, actor.role) == (clerk.staff_id, StaffRole.CLERK)


def test_embedded_search_is_not_recorded_as_some_staff_member(
    sqlite_db: Database, tmp_path: Path
) -> None:
    make_staff(sqlite_db, "only-boss", StaffRole.SUPERVISOR)
    passport = _passport(sqlite_db)
    url = f"sqlite:///{sqlite_db.engine.url.database}"
    result = console("search", passport, "--database", url, "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert passport_searches(sqlite_db) == [None]
    actor = auth.command_line_actor(sqlite_db, "desk")
    assert actor.staff_id is None and actor.full_name != "Система"


def test_resolve_actor_names_nobody_in_place_of_an_unknown_login(db: Database) -> None:
    boss = make_staff(db, "known-boss", StaffRole.SUPERVISOR)
    assert resolve_actor(db, "known-boss", "TMN-1", "desk").staff_id == boss.staff_id
    for login in ("", "nobody"):
        with pytest.raises(NotFoundError):
            resolve_actor(db, login, "TMN-1", "desk")


def test_one_rule_builds_the_actor_an_unknown_office_is_refused(db: Database) -> None:
    """members.resolve_actor used to fall back to the home office for an office code that
    names no office; signing in refused it. One builder (actor.staff_actor), the refusal."""
    boss = make_staff(db, "officeboss", StaffRole.SUPERVISOR)
    with pytest.raises(ValidationError, match="не найден") as err:
        resolve_actor(db, "officeboss", "NOPE", "desk")
    assert err.value.field == "office"
    actor = resolve_actor(db, "officeboss", " TMN-1 ", "desk")
    assert (actor.staff_id, actor.office_id, actor.office_name) == (
        boss.staff_id, boss.office_id, boss.office_name,
    )  # fmt: skip
    if not db.is_postgres:  # signing in without a password: embedded only
        with pytest.raises(ValidationError, match="не найден"):
            auth.actor_for_login(db, "officeboss", office_code="NOPE", workstation="desk")
        assert (
            auth.actor_for_login(db, "officeboss", office_code=" TMN-1 ", workstation="desk")
            == actor
        )
