"""Closing the cash day with a real keyboard on a real X server (1366×768): a day whose cash
differs from the register's is refused until the difference is explained; the register is the
ККТ emulator in its own process, reached the way the app reaches it (``kkt_url``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from console.models.enums import StaffRole
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.fiscal.device import Cashier, ShiftState
from tests.cashdesk.conftest import pay, register_of
from tests.support.factories import add_charge, make_account, make_login, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.xserver import Desk, XServer

PASSWORD = "Priem-2026-kassa"  # Latin: xdotool types it reliably under load


def _closed(db: Database, office: int) -> bool:
    return cashday.cash_day(db, office, dt.date.today()).is_closed


def test_a_day_with_a_difference_is_refused_until_explained(
    xserver: XServer, sqlite_db: Database, kkt_emulator: KktEmulator
) -> None:
    clerk = make_staff(sqlite_db, "kassa_kb", StaffRole.CLERK)
    make_login(sqlite_db, "boss_kb", StaffRole.SUPERVISOR, PASSWORD)
    account = make_account(sqlite_db)
    add_charge(sqlite_db, account.account_id, Decimal("100.00"))
    pay(sqlite_db, clerk, account.account_id, "3100.00")  # the register saw nothing
    kkt = register_of(kkt_emulator)
    kkt.open_shift(Cashier("Кассир"))  # its shift is open, with no cheques
    office = clerk.office_id or 0
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "kassa_kb",
        "--dialog", "dayclose", "--account", str(account.account_id),
        "--kkt-url", kkt_emulator.url,
        "--where", "explanation,receiverLogin,receiverPassword",
    )  # fmt: skip
    try:
        window = int(desk.expect("READY").split()[1])
        xserver.click(*desk.where("receiverLogin"))
        xserver.type(window, "boss_kb")
        xserver.key(window, "Tab")
        xserver.type(window, PASSWORD)
        xserver.key(window, "Return")  # «Закрыть смену»: no explanation yet
        refused = desk.expect("SHOWN explanationError")
        assert "объясните_расхождение" in refused
        desk.settle(1.0)
        assert not _closed(sqlite_db, office)
        _screenshot(xserver, "/tmp/cash-day-xvfb-refused.png")
        # The focus went to the explanation; a click there too, in case the pointer moved it.
        xserver.click(*desk.where("explanation"))
        # xdotool remaps a spare keycode for each Cyrillic letter, and under load an X client
        # may read a letter after the next remapping: the digits (real keys) always arrive.
        xserver.type(window, "Оплата 3100 принята без чека ККТ")
        desk.settle(0.3)
        xserver.click(*desk.where("receiverPassword"))  # the password is still there
        xserver.key(window, "Return")
        deadline = dt.datetime.now() + dt.timedelta(seconds=40)
        while not _closed(sqlite_db, office) and dt.datetime.now() < deadline:
            desk.settle(0.3)
        summary = cashday.cash_day(sqlite_db, office, dt.date.today())
        assert summary.is_closed, desk.said("")
        assert "3100" in summary.explanation
        assert summary.difference == Decimal("-3100.00")
        assert kkt.status().shift is ShiftState.CLOSED  # the desk took the Z report
        desk.settle(0.5)
        _screenshot(xserver, "/tmp/cash-day-xvfb-closed.png")
    finally:
        desk.close()


def _screenshot(xserver: XServer, path: str) -> None:
    """The whole 1366×768 screen as the X server shows it (Pillow reads it over XCB)."""
    from PIL import ImageGrab

    shot = ImageGrab.grab(xdisplay=xserver.display)
    assert shot.size == (xserver.width, xserver.height)
    shot.save(path)
