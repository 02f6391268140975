"""Reading payments back: an account's payment history and an office day's closing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import false, select
from sqlalchemy.orm import Session, aliased

from console.models import FiscalCheque, Office, Payment, RefundApplication, Staff
from console.models.enums import FiscalChequeStatus, PaymentMethod, RefundPayout, RefundStatus
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.moments import local_day_bounds, stored_utc
from console.services.staff.actor import Actor


@dataclass(frozen=True)
class PaymentRow:
    """One line of an account's payment history."""

    payment_id: int
    paid_at: dt.datetime
    amount: Decimal
    method: PaymentMethod
    receipt_number: str | None
    clerk: str
    payer: str | None
    source: str | None
    reversal_of_id: int | None
    reversed_by_id: int | None
    reason: str | None
    #: The payment's fiscal cheque (None: taken with no ККТ at the workstation).
    cheque: FiscalChequeStatus | None = None

    @property
    def cheque_waiting(self) -> bool:
        """A cheque the ККТ has not registered yet."""
        return self.cheque is not None and self.cheque is not FiscalChequeStatus.REGISTERED

    @property
    def can_reverse(self) -> bool:
        return self.reversal_of_id is None and self.reversed_by_id is None


def account_payments(db: Database, account_id: int, limit: int = 100) -> tuple[PaymentRow, ...]:
    """Payments and reversals of an account, newest first."""
    reversal = aliased(Payment)
    with db.read() as session:
        rows = session.execute(
            select(Payment, Staff.full_name, reversal.id, FiscalCheque.status)
            .outerjoin(Staff, Staff.id == Payment.staff_id)
            .outerjoin(reversal, reversal.reversal_of_id == Payment.id)
            .outerjoin(FiscalCheque, FiscalCheque.payment_id == Payment.id)
            .where(Payment.account_id == account_id)
            .order_by(Payment.paid_at.desc(), Payment.id.desc())
            .limit(limit)
        ).all()
        return tuple(
            PaymentRow(
                payment_id=p.id,
                paid_at=stored_utc(p.paid_at),
                amount=p.amount,
                method=p.method,
                receipt_number=p.receipt_number,
                clerk=clerk or "",
                payer=p.payer,
                source=p.source,
                reversal_of_id=p.reversal_of_id,
                reversed_by_id=reversed_by,
                reason=p.reason,
                cheque=cheque,
            )  # fmt: skip
            for p, clerk, reversed_by, cheque in rows
        )


@dataclass(frozen=True)
class ClosingRow:
    """One clerk's takings by one method: payments, reversals and the net total."""

    staff_id: int | None
    clerk: str
    method: PaymentMethod
    payments: int
    reversals: int
    total: Decimal


@dataclass(frozen=True)
class DayClosing:
    """Закрытие дня: an office's takings on a day per clerk and method, with totals."""

    office_id: int
    office_name: str
    office_address: str
    day: dt.date
    rows: tuple[ClosingRow, ...]
    by_method: tuple[tuple[PaymentMethod, Decimal], ...]
    total: Decimal
    payments: int
    reversals: int
    #: Cash paid out of the till: refunds in cash (each with its КО-2).
    refunds: tuple[DayRefund, ...] = ()

    @property
    def cash_in(self) -> Decimal:
        return dict(self.by_method).get(PaymentMethod.CASH, Decimal("0.00"))

    @property
    def cash_out(self) -> Decimal:
        return sum((r.amount for r in self.refunds), Decimal("0.00"))

    @property
    def cash_expected(self) -> Decimal:
        """Наличные в кассе на конец дня: cash taken minus cash paid out."""
        return self.cash_in - self.cash_out


@dataclass(frozen=True)
class DayPayment:
    """A payment or a reversal taken at an office on a day."""

    staff_id: int | None
    clerk: str  # "" when nobody of the staff took it (a registry)
    method: PaymentMethod
    amount: Decimal  # a reversal's is negative
    is_reversal: bool


def day_payments(
    session: Session, office_id: int, day: dt.date, *, only_of: Actor | None = None
) -> tuple[DayPayment, ...]:
    """The one query of an office day's payments (the day's closing, the per-clerk report):
    the desk's local day, reversals included; ``only_of``: just what that person took."""
    start, end = local_day_bounds(day)
    stmt = (
        select(Payment.staff_id, Staff.full_name, Payment.method, Payment.amount,
               Payment.reversal_of_id)
        .outerjoin(Staff, Staff.id == Payment.staff_id)
        .where(Payment.office_id == office_id, Payment.paid_at >= start, Payment.paid_at < end)
        .order_by(Payment.paid_at, Payment.id)
    )  # fmt: skip
    if only_of is not None:
        mine = Payment.staff_id == only_of.staff_id if only_of.staff_id is not None else false()
        stmt = stmt.where(mine)
    return tuple(
        DayPayment(staff_id, clerk or "", method, amount, reversal_of is not None)
        for staff_id, clerk, method, amount, reversal_of in session.execute(stmt)
    )


@dataclass(frozen=True)
class DayRefund:
    """A refund paid out in cash at an office on a day (расходный кассовый ордер)."""

    staff_id: int | None
    clerk: str
    number: str  # the application's
    cash_order_number: str | None
    amount: Decimal  # positive: cash out


def day_refunds(session: Session, office_id: int, day: dt.date) -> tuple[DayRefund, ...]:
    """The one query of an office day's cash refunds (the cash out of the till)."""
    start, end = local_day_bounds(day)
    rows = session.execute(
        select(RefundApplication.paid_by_staff_id, Staff.full_name, RefundApplication.number,
               RefundApplication.cash_order_number, RefundApplication.amount)
        .outerjoin(Staff, Staff.id == RefundApplication.paid_by_staff_id)
        .where(RefundApplication.paid_office_id == office_id,
               RefundApplication.payout == RefundPayout.CASH,
               RefundApplication.status.in_((RefundStatus.PAID, RefundStatus.CLOSED)),
               RefundApplication.paid_at >= start, RefundApplication.paid_at < end)
        .order_by(RefundApplication.paid_at, RefundApplication.id)
    )  # fmt: skip
    return tuple(DayRefund(sid, clerk or "", number, order, amount)
                 for sid, clerk, number, order, amount in rows)  # fmt: skip


def day_closing(db: Database, office_id: int, day: dt.date) -> DayClosing:
    """Payments taken at ``office_id`` on ``day``, per clerk and method, with totals."""
    with db.read() as session:
        office = session.get(Office, office_id)
        if office is None:
            raise NotFoundError("Офис не найден.")
        office_name, office_address = office.name, office.address
        rows = day_payments(session, office_id, day)
        refunds = day_refunds(session, office_id, day)
    groups: dict[tuple[int | None, str, PaymentMethod], list[int | Decimal]] = {}
    for p in rows:
        bucket = groups.setdefault((p.staff_id, p.clerk or "—", p.method), [0, 0, Decimal("0.00")])
        bucket[1 if p.is_reversal else 0] += 1
        bucket[2] += p.amount
    closing_rows = tuple(
        ClosingRow(staff_id=sid, clerk=clerk, method=method, payments=int(b[0]),
                   reversals=int(b[1]), total=Decimal(b[2]))
        for (sid, clerk, method), b in sorted(groups.items(), key=lambda i: (i[0][1], i[0][2]))
    )  # fmt: skip
    by_method: dict[PaymentMethod, Decimal] = {}
    for row in closing_rows:
        by_method[row.method] = by_method.get(row.method, Decimal("0.00")) + row.total
    return DayClosing(
        office_id=office_id,
        office_name=office_name,
        office_address=office_address,
        day=day,
        rows=closing_rows,
        by_method=tuple(sorted(by_method.items())),
        total=sum((r.total for r in closing_rows), Decimal("0.00")),
        payments=sum(r.payments for r in closing_rows),
        reversals=sum(r.reversals for r in closing_rows),
        refunds=refunds,
    )
