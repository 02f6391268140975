"""Refunds paid out properly: a cash refund → one «возврат прихода» cheque and one КО-2 with a
number; a transfer → the payment order's number and date, required."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from console.models.enums import RefundPayout
from console.services.core.database import Database
from console.services.core.errors import ConflictError, ValidationError
from console.services.fiscal.device import KktError
from console.services.fiscal.journal import device_key
from console.services.refunds import applications
from console.services.refunds.applications import RefundStatus as S
from tests.cashdesk.conftest import approved_refund, make_desk, pay, register_of, returns
from tests.support.kkt_process import KktEmulator


def test_a_cash_refund_makes_one_refund_cheque_and_one_numbered_cash_order(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    first = approved_refund(db, desk, "2000.00")
    second = approved_refund(db, desk, "500.00")
    kkt = register_of(kkt_emulator)
    # The register refuses: nothing is recorded, no cash leaves, the message is the device's.
    kkt_emulator.fault("paper_out", 1)
    with pytest.raises(KktError, match="бумага"):
        applications.mark_paid(db, desk.boss2, first, register=kkt)
    assert applications.get_refund(db, first).summary.status is S.APPROVED
    assert returns(kkt_emulator) == []
    paid = applications.mark_paid(db, desk.boss2, first, register=kkt)
    assert paid.summary.status is S.PAID
    year = dt.date.today().year
    assert paid.cash_order_number == f"РКО-TMN-1-{year}-00001"
    assert paid.paid_by == desk.boss2.full_name
    [cheque] = returns(kkt_emulator)
    assert paid.cheque_fd_number == cheque["fiscalParams"]["fiscalDocumentNumber"] == 1
    task = cheque["task"]
    assert [p["type"] for p in task["payments"]] == ["cash"]
    assert Decimal(str(task["total"])) == Decimal("2000.00")
    assert [item["name"] for item in task["items"]] == ["Электроснабжение"]
    # Sent under the journal's device key of the refund's key: the refused attempt's uuid is
    # the ККТ's already, so the one that went through is the second.
    assert cheque["uuid"] == device_key(f"refund-{paid.summary.number}", 2)
    # Paid once: again is a conflict, and the register sees no second cheque.
    with pytest.raises(ConflictError):
        applications.mark_paid(db, desk.boss2, first, register=kkt)
    assert len(returns(kkt_emulator)) == 1
    # The second refund: its own cheque, its own number (a crash between the ККТ and the
    # database is in test_refund_cheque_kkt.py).
    done = applications.mark_paid(db, desk.boss2, second, register=kkt)
    assert len(returns(kkt_emulator)) == 2
    assert done.cash_order_number == f"РКО-TMN-1-{year}-00002"
    assert done.cheque_fd_number == 2
    assert kkt.x_report().return_cash == Decimal("2500.00")


def test_a_bank_refund_needs_the_payment_orders_number_and_date(db: Database) -> None:
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "1000.00", cash=False)
    rid = approved_refund(db, desk, "300.00", RefundPayout.BANK_TRANSFER)
    today = dt.date.today()
    for number, day, field in (
        ("", today, "order_number"),
        ("12a", today, "order_number"),
        ("1234567", today, "order_number"),
        ("415", None, "order_date"),
        ("415", "31.02.2026", "order_date"),
        ("415", today + dt.timedelta(days=1), "order_date"),
        ("415", today - dt.timedelta(days=400), "order_date"),
    ):
        with pytest.raises(ValidationError) as err:
            applications.mark_paid(db, desk.boss2, rid, order_number=number, order_date=day)
        assert err.value.field == field
        assert re.search("[а-я]", str(err.value))
    assert applications.get_refund(db, rid).summary.status is S.APPROVED
    paid = applications.mark_paid(
        db, desk.boss2, rid, order_number=" 415 ", order_date=today.strftime("%d.%m.%Y")
    )
    assert (paid.payment_order_number, paid.payment_order_date) == ("415", today)
    assert paid.cash_order_number is None and paid.cheque_fd_number is None


def test_the_cash_order_ko2_says_who_got_how_much_on_what_basis(
    db: Database, tmp_path: Path, kkt_emulator: KktEmulator
) -> None:
    from console.services.documents.cash_order import cash_order_pdf
    from tests.support.pdf import pdf_text

    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "2600.00")
    rid = approved_refund(db, desk, "2000.00")
    paid = applications.mark_paid(db, desk.boss2, rid, register=register_of(kkt_emulator))
    content = cash_order_pdf(db, desk.boss2, rid)
    (tmp_path / "ko2.pdf").write_bytes(content)
    text = pdf_text(content, tmp_path)
    for expected in (
        "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР",
        "КО-2",
        "0310002",
        "Энергосбытовая компания «Восток»",
        paid.cash_order_number or "?",
        "62.02",
        "50.01",
        "2 000,00",
        "Две тысячи рублей 00 копеек",
        "Иванов Пётр Сергеевич",
        f"Заявление на возврат переплаты № {paid.summary.number}",
        f"паспорт {desk.passport}",
        desk.boss2.full_name,
        "Главный бухгалтер",
        "Выдал кассир",
    ):
        assert expected in text, expected
    # Only a refund paid in cash has one.
    bank = approved_refund(db, desk, "100.00", RefundPayout.BANK_TRANSFER)
    with pytest.raises(ConflictError):
        cash_order_pdf(db, desk.boss2, bank)
