"""The registration wizard under a real keyboard: Enter on the passport page with an error
stays there, a complete page goes one step (to the duplicates check, never past it), Esc asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.registration.test_wizard import PERSON
from tests.support.factories import AccountIds, make_account, make_staff
from tests.support.xserver import Desk, XServer


@pytest.fixture
def account(sqlite_db: Database) -> AccountIds:
    make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    return make_account(sqlite_db)


@pytest.fixture
def wizard_desk(
    xserver: XServer, sqlite_db: Database, account: AccountIds
) -> Iterator[tuple[Desk, int]]:
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "wizard", "--account", str(account.account_id),
        "--where", "last_name", "--shot", "/tmp/screens-png/wizard-xvfb-1366x768.png",
    )  # fmt: skip
    try:
        _, window, x, y, width, height = desk.expect("READY").split()
        assert int(y) + int(height) <= xserver.height and int(x) + int(width) <= xserver.width
        yield desk, int(window)
    finally:
        desk.close()


def test_enter_is_one_step_and_never_skips_the_duplicates_check(
    xserver: XServer, wizard_desk: tuple[Desk, int]
) -> None:
    desk, window = wizard_desk
    xserver.type(window, PERSON["last_name"])
    xserver.key(window, "Return")  # the rest is empty: the page says so and stays
    desk.settle(1.0)
    assert desk.said("PAGE") in ([], ["PAGE 0"])  # (the start page is announced as shown)
    # The page put the focus on the first field it found wrong: the first name.
    xserver.type(window, PERSON["first_name"])
    for text in list(PERSON.values())[2:]:
        xserver.key(window, "Tab")
        xserver.type(window, text)
    xserver.key(window, "Return")
    desk.expect("PAGE 1")  # «Проверка на дубликаты»
    desk.settle(1.5)
    assert desk.said("PAGE 2") == []  # one key press, one step


def test_escape_with_typed_data_asks_and_stays(
    xserver: XServer, wizard_desk: tuple[Desk, int]
) -> None:
    desk, window = wizard_desk
    xserver.type(window, PERSON["last_name"])
    xserver.key(window, "Escape")
    desk.expect("MODAL")
    xserver.key_focused("Return")  # «Вернуться к вводу» is the default
    desk.expect("CLOSED")
    desk.settle(0.5)
    assert desk.said("DONE") == []
