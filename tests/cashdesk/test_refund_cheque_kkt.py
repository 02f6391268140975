"""A cash refund's «возврат прихода» cheque against the ККТ emulator in its own process: a device
refusal pays nothing out and can be tried again; the emulator dying after it printed leaves
exactly one cheque after recovery; the closing is held while a cheque's fate is unknown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.models import FiscalCheque
from console.models.enums import FiscalChequeStatus
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.core.errors import ConflictError
from console.services.fiscal.device import KktError
from console.services.fiscal.factory import cash_register
from console.services.refunds import applications
from console.services.refunds.applications import RefundStatus as S
from console.services.staff.approvals import SupervisorApproval
from console.settings import Settings
from tests.cashdesk.conftest import approved_refund, make_desk, pay
from tests.support.kkt_process import KktEmulator


def _returns(emulator: KktEmulator) -> list[dict[str, object]]:
    return [task for task in emulator.journal() if task["type"] == "sellReturn"]


def test_a_refused_refund_cheque_pays_nothing_and_goes_through_on_retry(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    refund = approved_refund(db, desk, "2000.00")
    kkt = cash_register(Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=2))
    kkt_emulator.fault("paper_out")
    with pytest.raises(KktError, match="бумаг"):
        applications.mark_paid(db, desk.boss2, refund, register=kkt)
    assert applications.get_refund(db, refund).summary.status is S.APPROVED
    assert _returns(kkt_emulator) == []
    kkt_emulator.fault("")
    paid = applications.mark_paid(db, desk.boss2, refund, register=kkt)
    assert paid.summary.status is S.PAID and paid.cash_order_number
    [cheque] = _returns(kkt_emulator)
    assert paid.cheque_fd_number == cheque["fiscalParams"]["fiscalDocumentNumber"]  # type: ignore[index]
    assert kkt.x_report().return_cash == Decimal("2000.00")


def test_the_emulator_dying_after_it_printed_gives_one_refund_cheque(
    db: Database, kkt_emulator: KktEmulator
) -> None:
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "900.00")
    refund = approved_refund(db, desk, "500.00")
    kkt = cash_register(Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=2))
    kkt_emulator.fault("die_after_print", 1)
    with pytest.raises(KktError):
        applications.mark_paid(db, desk.boss2, refund, register=kkt)
    kkt_emulator.wait_dead()
    assert applications.get_refund(db, refund).summary.status is S.APPROVED
    # The cheque's fate is unknown: the office day cannot close meanwhile.
    approval = SupervisorApproval(desk.boss.staff_id or 0, desk.boss.full_name)
    with pytest.raises(ConflictError, match="чеки"):
        cashday.close_day(db, desk.clerk, dt.date.today(), cashday.Handover("", approval, None))
    kkt_emulator.start()
    paid = applications.mark_paid(db, desk.boss2, refund, register=kkt)
    assert paid.summary.status is S.PAID
    assert len(_returns(kkt_emulator)) == 1  # the one printed before the crash, no second
    with db.read() as session:
        [row] = session.query(FiscalCheque).filter(FiscalCheque.refund_id == refund).all()
        assert row.status is FiscalChequeStatus.REGISTERED and row.attempt == 1
