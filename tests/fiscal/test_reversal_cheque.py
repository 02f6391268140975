"""A reversed payment that had a fiscal cheque gets its «возврат прихода» (the ККТ's shift then
agrees with the till); one that had none gets none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from console.models.enums import StaffRole
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.documents import receipt
from console.services.fiscal import journal
from console.services.fiscal.factory import cash_register
from console.services.payments import counter
from console.settings import Settings
from tests.fiscal.test_cheques import _form, _settings
from tests.support.factories import make_account, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.pdf_tools import pdf_text


def test_a_reversal_returns_the_cheque_and_the_till_agrees_with_the_kkt(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    clerk = make_staff(db, "kassa.r", StaffRole.CLERK)
    boss = make_staff(db, "boss.r", StaffRole.SUPERVISOR)
    acc = make_account(db)
    settings = _settings(kkt_emulator)
    kkt = cash_register(settings)
    kept = counter.take_payment(db, clerk, _form(db, acc.account_id, "700"), "r-kept",
                                settings=settings)  # fmt: skip
    wrong = counter.take_payment(db, clerk, _form(db, acc.account_id, "300"), "r-wrong",
                                 settings=settings)  # fmt: skip
    for result in (kept, wrong):
        state = counter.register_cheque(db, kkt, clerk, result)
        assert state is not None and state.registered
    kkt_emulator.fault("paper_out", 1)  # the return's first try fails: it stays pending
    reversal = counter.reverse_payment(db, boss, wrong.payment_id, "ошибка кассира")
    state = counter.register_cheque(db, kkt, boss, reversal)
    assert state is not None and not state.registered and "бумаг" in state.error
    assert journal.retry_pending(db, kkt, boss).registered == 1
    returned = [t for t in kkt_emulator.journal() if t["type"] == "sellReturn"]
    assert len(returned) == 1
    slip = " ".join(pdf_text(receipt.receipt_pdf(db, boss, reversal.payment_id)).split())
    assert "КАССОВЫЙ ЧЕК (возврат прихода) зарегистрирован в ККТ" in slip
    assert "КАССОВЫЙ ЧЕК (приход)" in " ".join(
        pdf_text(receipt.receipt_pdf(db, clerk, kept.payment_id)).split()
    )
    totals = kkt.x_report()
    assert (totals.sell_cash, totals.return_cash) == (Decimal("1000.00"), Decimal("300.00"))
    summary = cashday.cash_day(db, clerk.office_id or 0, dt.date.today())
    assert summary.expected == Decimal("700.00")
    assert cashday.kkt_difference(summary.expected, totals) == 0


def test_a_payment_taken_without_a_kkt_is_reversed_without_a_cheque(sqlite_db: Database) -> None:
    clerk = make_staff(sqlite_db, "kassa.n", StaffRole.CLERK)
    boss = make_staff(sqlite_db, "boss.n", StaffRole.SUPERVISOR)
    acc = make_account(sqlite_db)
    paid = counter.take_payment(sqlite_db, clerk, _form(sqlite_db, acc.account_id, "300"),
                                "n-1", settings=Settings())  # fmt: skip
    reversal = counter.reverse_payment(sqlite_db, boss, paid.payment_id, "ошибка")
    assert reversal.cheque_id is None
    assert journal.pending_count(sqlite_db) == 0
