"""A refund paid out is shown as «Возврат … ₽» on the card, never as a payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from console.services.account.charges import charges_table, periods
from console.services.account.history import history
from console.services.core.database import Database
from console.services.refunds import applications
from tests.cashdesk.conftest import approved_refund, make_desk, pay, register_of
from tests.support.kkt_process import KktEmulator


def test_the_charges_table_and_the_history_name_the_refund(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "600.00")
    rid = approved_refund(db, desk, "500.00")
    paid = applications.mark_paid(db, desk.boss2, rid, register=register_of(kkt_emulator))
    month = periods(db, desk.acc.account_id)[0]
    [row] = charges_table(db, desk.acc.account_id, month).rows
    # It used to be «Оплачено 100,00»: the refund netted into the payments.
    assert (row.paid, row.refunded) == (Decimal("600.00"), Decimal("500.00"))
    assert row.paid_text == "600,00 · Возврат 500,00\u00a0₽"
    assert "(возврат)" in row.due_formula
    events = [e for m in history(db, desk.acc.account_id, today=dt.date.today()) for e in m.events]
    back = [e for e in events if e.title.startswith("Возврат ")]
    assert [e.title for e in back] == ["Возврат 500,00\u00a0₽"]
    assert paid.cash_order_number and paid.cash_order_number in back[0].detail
