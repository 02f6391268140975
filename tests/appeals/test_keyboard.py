"""Appeal registration under a real keyboard: Enter goes down the form to the text and never
registers by itself; Ctrl+Enter registers; Esc asks before typed text is thrown away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from console.models import Appeal
from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.support.factories import make_account, make_staff
from tests.support.xserver import Desk, XServer


def _appeals(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Appeal)) or 0)


@pytest.fixture
def appeal_desk(xserver: XServer, sqlite_db: Database) -> Iterator[tuple[Desk, int]]:
    make_staff(sqlite_db, "clerk", StaffRole.CLERK)
    account = make_account(sqlite_db)
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "clerk",
        "--dialog", "appeal", "--account", str(account.account_id), "--settle", "300",
        "--shot", "/tmp/screens-png/appeal-xvfb-1366x768.png",
    )  # fmt: skip
    try:
        _, window, x, y, width, height = desk.expect("READY").split()
        assert int(y) + int(height) <= xserver.height and int(x) + int(width) <= xserver.width
        yield desk, int(window)
    finally:
        desk.close()


def test_enter_goes_to_the_text_and_ctrl_enter_registers(
    xserver: XServer, sqlite_db: Database, appeal_desk: tuple[Desk, int]
) -> None:
    desk, window = appeal_desk
    before = _appeals(sqlite_db)
    # The focus starts on the topic (the applicant is filled from the account): Enter goes to
    # the name, the phone, the e-mail and the text, registering nothing on the way.
    xserver.key(window, "Return", "Return", "Return", "Return")
    xserver.type(window, "Ne soglasen s nachisleniem")
    xserver.key(window, "Return")  # a new line in the text
    xserver.key(window, "shift+Tab", "Return")  # back to the e-mail: Enter goes to the text
    desk.settle(1.0)
    assert desk.said("PAGE") == [] and _appeals(sqlite_db) == before
    xserver.key(window, "ctrl+Return")
    desk.expect("PAGE 1", timeout=20)
    assert _appeals(sqlite_db) == before + 1


def test_escape_with_typed_text_asks(xserver: XServer, appeal_desk: tuple[Desk, int]) -> None:
    desk, window = appeal_desk
    xserver.key(window, "Return", "Return", "Return", "Return")
    xserver.type(window, "Ne soglasen")
    xserver.key(window, "Escape")
    assert "Закрыть_без_сохранения?" in desk.expect("MODAL")
    xserver.key_focused("Return")  # «Нет» is the default
    desk.expect("CLOSED")
    desk.settle(0.5)
    assert desk.said("DONE") == []
    xserver.key(window, "Escape")
    desk.expect("MODAL")
    desk.settle(0.3)
    xserver.key_focused("alt+Cyrillic_de")  # «Да»
    desk.expect("DONE 0")
