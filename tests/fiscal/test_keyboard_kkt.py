"""A real keyboard on Xvfb: a payment with the customer's e-mail for the cheque, taken with the
ККТ emulator running in its own process; the cheque reaches the ККТ with tag 1008, once."""

from __future__ import annotations

from decimal import Decimal

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.fiscal import journal
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.xserver import Desk, XServer


def test_a_payment_with_an_email_by_keyboard(
    xserver: XServer, sqlite_db: Database, kkt_emulator: KktEmulator
) -> None:
    make_staff(sqlite_db, "cashier", StaffRole.CLERK)
    account = make_account(sqlite_db)
    add_charge(sqlite_db, account.account_id, Decimal("250.00"))
    desk = Desk(
        xserver, "--database", str(sqlite_db.engine.url), "--login", "cashier",
        "--dialog", "payment", "--account", str(account.account_id),
        "--kkt-url", kkt_emulator.url,
    )  # fmt: skip
    try:
        window = int(desk.expect("READY").split()[1])
        xserver.key(window, "alt+Cyrillic_pe")  # «&Получено наличными»
        xserver.type(window, "300")
        xserver.key(window, "alt+e")  # «Чек на &e-mail или телефон»
        xserver.type(window, "petrov@mail.ru")
        xserver.key(window, "alt+Cyrillic_ve")  # «Итоговая сумма &верна»
        desk.expect("CHECKED confirmCheck 1")
        xserver.key(window, "Return", "Return")  # an impatient double Enter
        desk.expect("PAGE 1")  # «Оплата принята»
        desk.settle(1.5)
        printed = kkt_emulator.journal()
        assert len(printed) == 1
        assert printed[0]["task"]["clientInfo"] == {"emailOrPhone": "petrov@mail.ru"}
        assert journal.pending_count(sqlite_db) == 0
    finally:
        desk.close()
