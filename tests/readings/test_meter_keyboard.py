"""Meter replacement under a real keyboard: Enter goes down the form field by field, the
confirmation is its own step, Esc asks before it throws the typed meter away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from console.models import Meter
from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.support.factories import AccountIds, make_account, make_staff
from tests.support.xserver import Desk, XServer

#: Fields Enter walks through after the final reading: serial, model, zones, digits, ratio,
#: three dates, place; in the initial reading Enter is «Далее».
FIELDS_AFTER_FINAL = 9


def _serials(db: Database, account_id: int) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Meter.serial).where(Meter.account_id == account_id)))


@pytest.fixture
def account(sqlite_db: Database) -> AccountIds:
    make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    return make_account(sqlite_db)


@pytest.fixture
def meter_desk(
    xserver: XServer, sqlite_db: Database, account: AccountIds
) -> Iterator[tuple[Desk, int]]:
    final = f"value_{account.meter_id}_1"
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "meter", "--account", str(account.account_id), "--where", final,
        "--shot", "/tmp/screens-png/meter-xvfb-1366x768.png",
    )  # fmt: skip
    try:
        _, window, x, y, width, height = desk.expect("READY").split()
        assert int(y) + int(height) <= xserver.height and int(x) + int(width) <= xserver.width
        xserver.click(*desk.where(final))
        yield desk, int(window)
    finally:
        desk.close()


def test_enter_walks_the_form_then_one_step_at_a_time(
    xserver: XServer, sqlite_db: Database, account: AccountIds, meter_desk: tuple[Desk, int]
) -> None:
    desk, window = meter_desk
    xserver.type(window, "1290")
    xserver.key(window, "Return")  # to the new meter's serial, not to the confirmation
    xserver.type(window, "M2026")
    for _ in range(FIELDS_AFTER_FINAL):  # serial → … → place → the initial reading
        xserver.key(window, "Return")
    desk.settle(1.0)
    assert desk.said("PAGE") == []  # still the form: one field a key press
    xserver.key(window, "Return")  # in the initial reading: «Далее»
    desk.expect("PAGE 1")
    desk.settle(1.5)
    assert desk.said("PAGE 2") == [] and "M2026" not in _serials(sqlite_db, account.account_id)
    xserver.key(window, "Return")  # «Подтвердить»
    desk.expect("PAGE 2", timeout=20)
    assert "M2026" in _serials(sqlite_db, account.account_id)
    xserver.key(window, "Return")  # «Закрыть»
    desk.expect("DONE 1")


def test_escape_with_typed_input_asks_and_no_keeps_the_form(
    xserver: XServer, meter_desk: tuple[Desk, int]
) -> None:
    desk, window = meter_desk
    xserver.type(window, "1290")
    xserver.key(window, "Escape")
    question = desk.expect("MODAL")
    assert "Закрыть_без_сохранения?" in question
    xserver.key_focused("Return")  # «Нет» is the default: the form stays
    desk.expect("CLOSED")
    desk.settle(0.5)
    assert desk.said("DONE") == []
    xserver.key(window, "Escape")
    desk.expect("MODAL")
    desk.lines.clear()
    desk.settle(0.3)
    xserver.key_focused("alt+Cyrillic_de")  # «Да»
    desk.expect("DONE 0")
