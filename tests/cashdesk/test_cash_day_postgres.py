"""The database holds the cash day itself: raw SQL as a staff login, as psql would send it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from console.models.enums import RefundPayout, StaffRole
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.fiscal.device import (
    Cashier,
    CashRegister,
    Cheque,
    ChequeKind,
    ChequeLine,
    Tender,
)
from console.services.refunds import applications
from console.services.staff.approvals import verify_supervisor
from tests.cashdesk.conftest import Desk, approved_refund, pay, register_of
from tests.support.factories import (
    add_charge,
    connect_as,
    make_account,
    make_login,
    stored_identity,
)
from tests.support.kkt_process import KktEmulator

pytestmark = pytest.mark.postgres
PASSWORD = "Пароль-2026!"


@pytest.fixture
def logins(pg_db: Database) -> Iterator[tuple[Desk, dict[str, Database]]]:
    tag = uuid.uuid4().hex[:6]
    clerk = make_login(pg_db, f"kassa_{tag}", StaffRole.CLERK)
    boss = make_login(pg_db, f"boss_{tag}", StaffRole.SUPERVISOR)
    boss2 = make_login(pg_db, f"chief_{tag}", StaffRole.SUPERVISOR)
    acc = make_account(pg_db)
    add_charge(pg_db, acc.account_id, Decimal("100.00"))
    stored = stored_identity(pg_db, acc.customer_id)
    desk = Desk(clerk, boss, boss2, acc, f"{stored.series} {stored.number}")
    dbs = {name: connect_as(pg_db, actor.login, PASSWORD)
           for name, actor in (("clerk", clerk), ("boss", boss), ("boss2", boss2))}  # fmt: skip
    try:
        yield desk, dbs
    finally:
        for db in dbs.values():
            db.dispose()


def _sql(db: Database, statement: str, **params: object) -> object:
    with db.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return result.scalar() if result.returns_rows else None


def test_raw_sql_cannot_pay_into_a_closed_day_nor_reopen_nor_edit_it(
    pg_db: Database,
    logins: tuple[Desk, dict[str, Database]],
    kkt_emulator: KktEmulator,
    tmp_path: Path,
) -> None:
    desk, dbs = logins
    clerk_db, boss2_db = dbs["clerk"], dbs["boss2"]
    pay(clerk_db, desk.clerk, desk.acc.account_id, "3100.00")
    # Registered by the clerk's login, approved by the supervisor's, paid out by another's,
    # its cheque printed on another desk's ККТ (a second emulator process).
    other = KktEmulator(tmp_path / "other-kkt.jsonl").start()
    try:
        _cash_refund(desk, dbs, "2000.00", register_of(other))
    finally:
        other.kill()
    office = desk.clerk.office_id
    # Closing through the console as the clerk's login, the receiver proven by their token.
    receiver = verify_supervisor(pg_db, desk.boss.login, PASSWORD)
    assert receiver.token
    kkt = register_of(kkt_emulator)
    kkt.register(_sell(Decimal("3100.00")))  # what the cash register counted
    totals = kkt.x_report()
    handover = cashday.Handover("Возврат пробит на другой ККТ", receiver, totals)
    closed = cashday.close_day(clerk_db, desk.clerk, dt.date.today(), handover)
    assert closed.is_closed and closed.cash_out == Decimal("2000.00")
    assert closed.difference == Decimal("2000.00")  # the register had no refund cheque here
    day_id = _sql(pg_db, "SELECT id FROM cash_days WHERE office_id = :o", o=office)
    # A payment into the closed day, typed in psql by the clerk: refused by the database.
    with pytest.raises(Exception, match="закрыта"):
        _sql(clerk_db, "INSERT INTO payments (account_id, amount, paid_at, method, office_id) "
             "VALUES (:a, 500, now(), 'cash', :o)", a=desk.acc.account_id, o=office)  # fmt: skip
    # Nor a cash refund paid out into it, even by a supervisor's raw SQL.
    late = _approved(desk, dbs, "50.00")
    with pytest.raises(Exception, match="закрыта"):
        _sql(boss2_db, "UPDATE refund_applications SET status = 'paid', "
             "cash_order_number = 'РКО-поздний' WHERE id = :i", i=late)  # fmt: skip
    # The clerk cannot reopen the day, nor edit its figures, nor delete it.
    for statement in (
        "UPDATE cash_days SET status = 'reopened', reopen_reason = 'сам открыл' WHERE id = :i",
        "UPDATE cash_days SET cash_in = 0, difference = 0 WHERE id = :i",
        "UPDATE cash_days SET explanation = 'другое' WHERE id = :i",
        "DELETE FROM cash_days WHERE id = :i",
    ):
        with pytest.raises(Exception, match="руководитель|не изменяется|permission denied"):
            _sql(clerk_db, statement, i=day_id)
    # A supervisor reopens only with a reason, and only that.
    with pytest.raises(Exception, match="причину"):
        _sql(boss2_db, "UPDATE cash_days SET status = 'reopened' WHERE id = :i", i=day_id)
    with pytest.raises(Exception, match="не изменяется"):
        _sql(boss2_db, "UPDATE cash_days SET status = 'reopened', reopen_reason = 'ошибка "
             "кассира', cash_in = 1 WHERE id = :i", i=day_id)  # fmt: skip
    _sql(boss2_db, "UPDATE cash_days SET status = 'reopened', reopen_reason = 'Ошибка кассира' "
         "WHERE id = :i", i=day_id)  # fmt: skip
    who = _sql(pg_db, "SELECT reopened_by_staff_id FROM cash_days WHERE id = :i", i=day_id)
    assert who == desk.boss2.staff_id
    # Closed again by the clerk's raw SQL: with made-up figures, or without the receiver's
    # token, it is refused.
    with pytest.raises(Exception, match="не совпадают"):
        _sql(clerk_db, "UPDATE cash_days SET status = 'closed', cash_in = 1 WHERE id = :i",
             i=day_id)  # fmt: skip
    with pytest.raises(Exception, match="Подтверждение"):
        _sql(clerk_db, "UPDATE cash_days SET status = 'closed' WHERE id = :i", i=day_id)


def test_a_paid_refund_keeps_its_payout_and_a_bank_one_needs_its_order(
    pg_db: Database, logins: tuple[Desk, dict[str, Database]], kkt_emulator: KktEmulator
) -> None:
    desk, dbs = logins
    pay(dbs["clerk"], desk.clerk, desk.acc.account_id, "1000.00")
    cash = _cash_refund(desk, dbs, "200.00", register_of(kkt_emulator))
    for statement in (
        "UPDATE refund_applications SET cash_order_number = 'РКО-1' WHERE id = :i",
        "UPDATE refund_applications SET payment_order_number = '1' WHERE id = :i",
        "UPDATE refund_applications SET status = 'closed', cheque_fd_number = 7 WHERE id = :i",
    ):
        with pytest.raises(Exception, match="один раз"):
            _sql(dbs["boss2"], statement, i=cash)
    bank = _approved(desk, dbs, "100.00", RefundPayout.BANK_TRANSFER)
    with pytest.raises(Exception, match="платёжного поручения"):
        _sql(dbs["boss2"], "UPDATE refund_applications SET status = 'paid' WHERE id = :i", i=bank)
    with pytest.raises(Exception, match="платёжного поручения"):
        _sql(dbs["boss2"], "UPDATE refund_applications SET status = 'paid', "
             "payment_order_number = '15', payment_order_date = current_date + 3 WHERE id = :i",
             i=bank)  # fmt: skip
    _sql(
        dbs["boss2"],
        "UPDATE refund_applications SET status = 'paid', "
        "payment_order_number = '15', payment_order_date = current_date WHERE id = :i",
        i=bank,
    )
    stamped = _sql(pg_db, "SELECT paid_by_staff_id FROM refund_applications WHERE id = :i",
                   i=bank)  # fmt: skip
    assert stamped == desk.boss2.staff_id


def _approved(
    desk: Desk, dbs: dict[str, Database], amount: str, payout: RefundPayout = RefundPayout.CASH
) -> int:
    """Registered over the clerk's own login, approved over the first supervisor's."""
    return approved_refund(dbs["clerk"], desk, amount, payout, boss_db=dbs["boss"])


def _cash_refund(desk: Desk, dbs: dict[str, Database], amount: str, register: CashRegister) -> int:
    rid = _approved(desk, dbs, amount)
    applications.mark_paid(dbs["boss2"], desk.boss2, rid, register=register)
    return rid


def _sell(amount: Decimal) -> Cheque:
    lines = (ChequeLine("Электроснабжение", amount),)
    return Cheque(f"pay-{uuid.uuid4().hex}", ChequeKind.SELL, lines, Tender.CASH, Cashier("Касса"))
