"""Reading entry under a real keyboard on a real screen: one key press is one step."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.models import Reading
from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.support.factories import AccountIds, make_account, make_staff
from tests.support.xserver import Desk, XServer

SHOTS = Path(os.environ.get("CONSOLE_SHOTS", "/tmp/readings-png"))


def _readings(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Reading)) or 0)


@pytest.fixture
def account(sqlite_db: Database) -> AccountIds:
    make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    return make_account(sqlite_db)


@pytest.fixture
def reading_desk(
    xserver: XServer, sqlite_db: Database, account: AccountIds
) -> Iterator[tuple[Desk, int]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "reading", "--account", str(account.account_id),
        "--shot", str(SHOTS / "reading-xvfb-1366x768.png"),
    )  # fmt: skip
    try:
        _, window, x, y, width, height = desk.expect("READY").split()
        # The whole dialog fits an office monitor (1366×768).
        assert int(x) >= 0 and int(y) >= 0
        assert int(x) + int(width) <= xserver.width and int(y) + int(height) <= xserver.height
        yield desk, int(window)
    finally:
        desk.close()


def test_enter_goes_to_the_confirmation_and_only_the_next_enter_stores(
    xserver: XServer, sqlite_db: Database, reading_desk: tuple[Desk, int]
) -> None:
    desk, window = reading_desk
    before = _readings(sqlite_db)
    xserver.type(window, "1250")
    xserver.key(window, "Return")
    desk.expect("PAGE 1")  # «Проверьте показания вместе с клиентом»
    desk.settle(1.5)
    assert desk.said("PAGE 2") == [] and _readings(sqlite_db) == before  # nothing stored yet
    xserver.key(window, "Return")  # the clerk confirms: now it is stored
    desk.expect("PAGE 2")
    assert _readings(sqlite_db) == before + 1


def test_keypad_enter_and_escape_back_keep_what_was_typed(
    xserver: XServer, sqlite_db: Database, reading_desk: tuple[Desk, int]
) -> None:
    desk, window = reading_desk
    before = _readings(sqlite_db)
    xserver.type(window, "1250")
    xserver.key(window, "KP_Enter")
    desk.expect("PAGE 1")
    desk.settle(1.5)
    assert desk.said("PAGE 2") == [] and _readings(sqlite_db) == before


def test_enter_in_the_day_zone_moves_to_the_night_zone_not_on(
    xserver: XServer, sqlite_db: Database
) -> None:
    make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    two_zones = make_account(sqlite_db, zones=2)
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "reading", "--account", str(two_zones.account_id),
    )  # fmt: skip
    try:
        window = int(desk.expect("READY").split()[1])
        xserver.type(window, "1250")
        xserver.key(window, "Return")  # to the night zone, nothing else
        desk.settle(1.0)
        assert desk.said("PAGE") == []
        xserver.type(window, "1260")  # typed into the night zone
        xserver.key(window, "Return")
        desk.expect("PAGE 1")
        desk.settle(1.0)
        assert desk.said("PAGE 2") == [] and _readings(sqlite_db) == 2  # the two earlier ones
    finally:
        desk.close()


def test_after_the_readings_f9_opens_the_payment(
    xserver: XServer, sqlite_db: Database, reading_desk: tuple[Desk, int]
) -> None:
    desk, window = reading_desk
    xserver.type(window, "1250")
    xserver.key(window, "Return")
    desk.expect("PAGE 1")
    xserver.key(window, "Return")
    desk.expect("PAGE 2")  # «Показания приняты»
    xserver.key(window, "F9")  # the payment key, as on the card
    assert "Принять_оплату" in desk.expect("MODAL")
