"""The cash day: cash in and out per clerk (the cash refund included), reconciled with the
register, explained before closing, locked once closed, reopened by a supervisor only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from console.models import AuditEvent
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.core.errors import ConflictError, PermissionDeniedError, ValidationError
from console.services.payments import counter
from console.services.refunds import applications
from console.services.staff.approvals import SupervisorApproval
from tests.cashdesk.conftest import approved_refund, make_desk, pay, register_of, returns
from tests.support.kkt_process import KktEmulator


def test_the_day_closing_counts_the_cash_refund(db: Database, kkt_emulator: KktEmulator) -> None:
    """Today's report missed a 2 000,00 ₽ cash refund: cash in 3 100, out 2 000, 1 100 left."""
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    pay(db, desk.clerk, desk.acc.account_id, "250.00", cash=False)
    rid = approved_refund(db, desk, "2000.00")
    applications.mark_paid(db, desk.boss2, rid, register=register_of(kkt_emulator))
    office, today = desk.clerk.office_id or 0, dt.date.today()
    report = counter.day_closing(db, office, today)
    assert (report.cash_in, report.cash_out, report.cash_expected) == (
        Decimal("3100.00"), Decimal("2000.00"), Decimal("1100.00"))  # fmt: skip
    assert [r.amount for r in report.refunds] == [Decimal("2000.00")]
    summary = cashday.cash_day(db, office, today)
    assert (summary.cash_in, summary.cash_out, summary.expected) == (
        Decimal("3100.00"), Decimal("2000.00"), Decimal("1100.00"))  # fmt: skip
    by_clerk = {c.clerk: (c.cash_in, c.cash_out) for c in summary.clerks}
    assert by_clerk == {
        desk.clerk.full_name: (Decimal("3100.00"), Decimal("0.00")),
        desk.boss2.full_name: (Decimal("0.00"), Decimal("2000.00")),
    }


def test_a_day_with_a_difference_closes_only_explained_then_locks(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    kkt = register_of(kkt_emulator)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    rid = approved_refund(db, desk, "2000.00")
    applications.mark_paid(db, desk.boss2, rid, register=kkt)
    today, office = dt.date.today(), desk.clerk.office_id or 0
    # The register saw the refund but not the payment (taken without a ККТ configured).
    totals = kkt.x_report()
    assert (totals.sell_cash, totals.return_cash) == (Decimal("0.00"), Decimal("2000.00"))
    assert cashday.kkt_difference(Decimal("1100.00"), totals) == Decimal("-3100.00")
    receiver = SupervisorApproval.of(desk.boss)
    with pytest.raises(ValidationError, match="объясните расхождение") as err:
        cashday.close_day(db, desk.clerk, today, cashday.Handover("", receiver, totals))
    assert err.value.field == "explanation"
    with pytest.raises(ValidationError, match="другой сотрудник"):
        cashday.close_day(db, desk.boss, today,
                          cashday.Handover("Чек не пробит", receiver, totals))  # fmt: skip
    with pytest.raises(ConflictError, match="неотправленные"):
        cashday.close_day(db, desk.clerk, today, cashday.Handover("Чек не пробит", receiver,
                          totals), pending_cheques=lambda: 2)  # fmt: skip
    assert cashday.cash_day(db, office, today).status is None
    closed = cashday.close_day(
        db, desk.clerk, today, cashday.Handover("Оплата 3 100 ₽ без чека ККТ", receiver, totals)
    )
    assert closed.is_closed and closed.difference == Decimal("-3100.00")
    assert (closed.handed_over_by, closed.received_by) == (desk.clerk.full_name,
                                                           desk.boss.full_name)  # fmt: skip
    # Locked: no payment, no refund, no second closing.
    with pytest.raises(ConflictError, match="закрыта"):
        pay(db, desk.clerk, desk.acc.account_id, "100.00")
    late = approved_refund(db, desk, "5.00")
    with pytest.raises(ConflictError, match="закрыта"):
        applications.mark_paid(db, desk.boss2, late, register=kkt)
    assert len(returns(kkt_emulator)) == 1  # no cheque for the refused payout
    with pytest.raises(ConflictError, match="уже закрыта"):
        cashday.close_day(db, desk.clerk, today, cashday.Handover("x" * 10, receiver, totals))
    # Reopening: a supervisor with a reason, audited.
    with pytest.raises(PermissionDeniedError):
        cashday.reopen_day(db, desk.clerk, office, today, "Надо внести платёж")
    with pytest.raises(ValidationError):
        cashday.reopen_day(db, desk.boss2, office, today, "")
    opened = cashday.reopen_day(db, desk.boss2, office, today, "Клиент принёс чек, внести")
    assert opened.status is not None and not opened.is_closed
    assert opened.reopened_by == desk.boss2.full_name
    pay(db, desk.clerk, desk.acc.account_id, "100.00")
    with db.read() as session:
        actions = list(session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "cash_day").order_by(AuditEvent.id)
        ))  # fmt: skip
    assert actions == ["cash_day.close", "cash_day.reopen"]
    # Closed again after the reopening: the new figures.
    again = cashday.close_day(db, desk.clerk, today, cashday.Handover("Разница: платёж без чека",
                              receiver, kkt.x_report()))  # fmt: skip
    assert again.is_closed and again.cash_in == Decimal("3200.00")


def test_a_day_that_agrees_with_the_register_closes_without_explanation(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    kkt = register_of(kkt_emulator)
    pay(db, desk.clerk, desk.acc.account_id, "200.00", cash=False)  # card: not the till's
    rid = approved_refund(db, desk, "40.00")
    applications.mark_paid(db, desk.boss2, rid, register=kkt)
    totals = kkt.x_report()  # the refund's cheque, cash out of the till
    assert (totals.sell_cash, totals.return_cash) == (Decimal("0.00"), Decimal("40.00"))
    handover = cashday.Handover("", SupervisorApproval.of(desk.boss), totals)
    closed = cashday.close_day(db, desk.clerk, dt.date.today(), handover)
    assert closed.difference == 0 and closed.explanation == ""
    assert closed.expected == Decimal("-40.00")


def test_the_closing_sheets_show_the_cash_refund_and_the_handover(
    db: Database, tmp_path: Path, kkt_emulator: KktEmulator
) -> None:
    from console.services.cashdesk.sheet import cash_day_sheet_pdf
    from console.services.documents.receipt import day_closing_pdf
    from tests.support.pdf import pdf_text

    desk = make_desk(db)
    kkt = register_of(kkt_emulator)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    rid = approved_refund(db, desk, "2000.00")
    order = applications.mark_paid(db, desk.boss2, rid, register=kkt).cash_order_number
    today, office = dt.date.today(), desk.clerk.office_id or 0
    report = pdf_text(day_closing_pdf(counter.day_closing(db, office, today)), tmp_path)
    assert f"РКО № {order}" in report and "2 000,00" in report
    assert "Наличные в кассе на конец дня 1 100,00" in report
    handover = cashday.Handover("Оплата без чека ККТ", SupervisorApproval.of(desk.boss),
                                kkt.x_report())  # fmt: skip
    closed = cashday.close_day(db, desk.clerk, today, handover)
    content = cash_day_sheet_pdf(closed)
    (tmp_path / "sheet.pdf").write_bytes(content)
    sheet = pdf_text(content, tmp_path)
    for expected in (
        "ЗАКРЫТИЕ КАССОВОЙ СМЕНЫ", "Принято наличных 3 100,00",
        "Выдано наличных (возвраты) 2 000,00",
        "Должно быть в кассе 1 100,00", "По ККТ наличных −2 000,00", "Расхождение −3 100,00",
        "Объяснение: Оплата без чека ККТ", f"Сдал: {desk.clerk.full_name}",
        f"Принял: {desk.boss.full_name}", f"РКО № {order}",
    ):  # fmt: skip
        assert expected in sheet, expected
