"""Every window fits the office monitors (1366×768 and 1280×720) with no action hidden.

Each window runs in its own process on a real X server of that size (tests/support/desk.py)
and reports its frame and any toolbar whose actions went behind the «››» overflow.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.support.factories import AccountIds, make_account, make_staff
from tests.support.xserver import Desk, XServer, start_xvfb

SHOTS = Path("/tmp/screens-png")
#: A window manager adds a title bar (and the taskbar takes a strip): leave room for them.
TITLE_BAR = 30
WINDOWS = [
    "main", "reading", "meter", "payment", "refund", "appeal", "wizard", "customer", "reversal",
    "closing", "batch", "reports", "receipt", "document", "unlock", "close_period", "signin",
    "supervisor",
]  # fmt: skip


@pytest.fixture(scope="module")
def small_screen() -> Iterator[XServer]:
    with start_xvfb(1280, 720) as server:
        yield server


@pytest.fixture
def account(sqlite_db: Database) -> AccountIds:
    make_staff(sqlite_db, "boss", StaffRole.ADMIN)
    return make_account(sqlite_db)


def _fits(screen: XServer, db: Database, account: AccountIds, kind: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = Desk(
        screen, "--database", str(db.engine.url), "--login", "boss", "--dialog", kind,
        "--account", str(account.account_id), "--settle", "700",
        "--shot", str(SHOTS / f"{kind}-{screen.width}x{screen.height}.png"),
    )  # fmt: skip
    try:
        _, _, x, y, width, height = desk.expect("READY", timeout=40).split()
        assert desk.said("OVERFLOW") == [], f"{kind}: actions behind «››»"
        assert desk.said("HIDDEN") == [], f"{kind}: actions off the window"
        assert int(width) <= screen.width and int(height) + TITLE_BAR <= screen.height, (
            f"{kind} is {width}×{height} on a {screen.width}×{screen.height} screen"
        )
        assert int(x) >= 0 and int(y) >= 0 and int(x) + int(width) <= screen.width
        assert int(y) + int(height) <= screen.height
    finally:
        desk.close()


@pytest.mark.parametrize("kind", WINDOWS)
def test_fits_1366x768(
    xserver: XServer, sqlite_db: Database, account: AccountIds, kind: str
) -> None:
    _fits(xserver, sqlite_db, account, kind)


@pytest.mark.parametrize("kind", WINDOWS)
def test_fits_1280x720(
    small_screen: XServer, sqlite_db: Database, account: AccountIds, kind: str
) -> None:
    _fits(small_screen, sqlite_db, account, kind)
