"""Taking a payment with a real keyboard and mouse: Enter takes it once, and only when confirmed."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from console.models import Payment
from console.models.enums import StaffRole
from console.services.core.database import Database
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.xserver import Desk, XServer


def _payments(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Payment)) or 0)


def test_enter_takes_the_payment_once_and_only_after_the_check(
    xserver: XServer, sqlite_db: Database
) -> None:
    make_staff(sqlite_db, "cashier", StaffRole.CLERK)
    account = make_account(sqlite_db)
    add_charge(sqlite_db, account.account_id, Decimal("250.00"))
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "cashier",
        "--dialog", "payment", "--account", str(account.account_id),
    )  # fmt: skip
    try:
        window = int(desk.expect("READY").split()[1])
        xserver.key(window, "alt+Cyrillic_pe")  # «&Получено наличными»
        xserver.type(window, "300")
        xserver.key(window, "Return")  # «Итоговая сумма верна» not ticked: nothing happens
        desk.settle(1.0)
        assert desk.said("PAGE") == [] and _payments(sqlite_db) == 0
        xserver.key(window, "alt+Cyrillic_ve")  # «Итоговая сумма &верна»
        desk.expect("CHECKED confirmCheck 1")
        xserver.key(window, "Return", "Return")  # an impatient double Enter
        desk.expect("PAGE 1")  # «Оплата принята»
        desk.settle(1.5)
        assert _payments(sqlite_db) == 1
    finally:
        desk.close()
