"""Закрытие кассовой смены офиса: cash in and out per clerk, reconciled with the cash register,
explained, handed over to a second person and locked; reopened only by a supervisor.

The figures are the office day's counter cash payments (reversals subtract) and cash refunds
(each with its КО-2). PostgreSQL recomputes them when a day is closed and refuses others
(migration 0010); SQLite relies on this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from console.models import CashDay, Office, Staff
from console.models.enums import AuditAction, CashDayStatus, PaymentMethod
from console.services.core.database import Database
from console.services.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.core.formatting import date, money
from console.services.core.moments import local_day_bounds, stored_utc
from console.services.fiscal import journal
from console.services.fiscal.device import Cashier, CashRegister, ShiftTotals
from console.services.payments.day_lock import lock_office_day
from console.services.payments.history import day_payments, day_refunds
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.approvals import SupervisorApproval
from console.services.staff.permissions import require_staff, require_supervisor

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ClerkCash:
    """One clerk's cash of the day."""

    clerk: str
    cash_in: Decimal
    cash_out: Decimal
    payments: int
    refunds: int

    @property
    def net(self) -> Decimal:
        return self.cash_in - self.cash_out


@dataclass(frozen=True)
class CashDaySummary:
    """An office day's cash and, once closed, how it was closed."""

    office_id: int
    office_name: str
    office_address: str
    day: dt.date
    clerks: tuple[ClerkCash, ...]
    cash_in: Decimal
    cash_out: Decimal
    refunds: tuple[tuple[str, str, Decimal], ...]  # application, КО-2 number, amount
    status: CashDayStatus | None = None
    kkt_cash_in: Decimal | None = None
    kkt_cash_out: Decimal | None = None
    kkt_shift: int | None = None
    difference: Decimal = ZERO
    explanation: str = ""
    closed_at: dt.datetime | None = None
    handed_over_by: str = ""
    received_by: str = ""
    reopened_by: str = ""
    reopen_reason: str = ""

    @property
    def expected(self) -> Decimal:
        """Наличные по данным пульта: принято − выдано."""
        return self.cash_in - self.cash_out

    @property
    def is_closed(self) -> bool:
        return self.status is CashDayStatus.CLOSED


def kkt_difference(expected: Decimal, totals: ShiftTotals | None) -> Decimal:
    """ККТ's cash (приход − возврат прихода) minus the console's; zero without a register."""
    if totals is None:
        return ZERO
    return (totals.sell_cash - totals.return_cash) - expected


def _summary(session: Session, office_id: int, day: dt.date) -> CashDaySummary:
    office = session.get(Office, office_id)
    if office is None:
        raise NotFoundError("Офис не найден.")
    per: dict[str, list[Decimal | int]] = {}
    cash_in = cash_out = ZERO
    for p in day_payments(session, office_id, day):
        if p.method is not PaymentMethod.CASH:
            continue
        row = per.setdefault(p.clerk or "—", [ZERO, ZERO, 0, 0])
        row[0] += p.amount
        row[2] += 0 if p.is_reversal else 1
        cash_in += p.amount
    refunds = day_refunds(session, office_id, day)
    for r in refunds:
        row = per.setdefault(r.clerk or "—", [ZERO, ZERO, 0, 0])
        row[1] += r.amount
        row[3] += 1
        cash_out += r.amount
    clerks = tuple(
        ClerkCash(name, Decimal(v[0]), Decimal(v[1]), int(v[2]), int(v[3]))
        for name, v in sorted(per.items())
    )
    summary = CashDaySummary(
        office_id=office_id, office_name=office.name, office_address=office.address, day=day,
        clerks=clerks, cash_in=cash_in, cash_out=cash_out,
        refunds=tuple((r.number, r.cash_order_number or "", r.amount) for r in refunds),
    )  # fmt: skip
    stored = _stored(session, office_id, day)
    if stored is None:
        return summary
    names = {
        s.id: s.full_name
        for s in session.scalars(
            select(Staff).where(
                Staff.id.in_(
                    [
                        stored.closed_by_staff_id,
                        stored.received_by_staff_id,
                        stored.reopened_by_staff_id or 0,
                    ]  # fmt: skip
                )
            )
        )
    }
    return replace(
        summary,
        status=stored.status, kkt_cash_in=stored.kkt_cash_in, kkt_cash_out=stored.kkt_cash_out,
        kkt_shift=stored.kkt_shift, difference=stored.difference,
        explanation=stored.explanation or "", closed_at=stored_utc(stored.closed_at),
        handed_over_by=names.get(stored.closed_by_staff_id, ""),
        received_by=names.get(stored.received_by_staff_id, ""),
        reopened_by=names.get(stored.reopened_by_staff_id or 0, ""),
        reopen_reason=stored.reopen_reason or "",
    )  # fmt: skip


def _stored(session: Session, office_id: int, day: dt.date) -> CashDay | None:
    return session.scalar(select(CashDay).where(CashDay.office_id == office_id, CashDay.day == day))


def cash_day(db: Database, office_id: int, day: dt.date) -> CashDaySummary:
    """The office day's cash as it stands (and how it was closed, if it was)."""
    with db.read() as session:
        return _summary(session, office_id, day)


@dataclass(frozen=True)
class Handover:
    """What the clerk closes with: the register's figures, the explanation, the receiver."""

    explanation: str
    receiver: SupervisorApproval | None
    totals: ShiftTotals | None = None


def _check_receiver(session: Session, actor: Actor, receiver: SupervisorApproval | None) -> None:
    if receiver is None:
        raise ValidationError(
            "Кассу принимает руководитель офиса: пусть он подтвердит приём своим логином и "
            "паролем.",
            "receiver",
        )
    if receiver.staff_id == actor.staff_id:
        raise ValidationError("Кассу принимает другой сотрудник, не тот, кто её сдаёт.", "receiver")
    staff = session.get(Staff, receiver.staff_id)
    if staff is None or not staff.is_active or staff.role.value not in ("supervisor", "admin"):
        raise ValidationError("Принять кассу может только руководитель офиса.", "receiver")
    if receiver.token and session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT set_config('console.approval', :token, true)"), {"token": receiver.token}
        )


def close_day(
    db: Database,
    actor: Actor,
    day: dt.date,
    handover: Handover,
    *,
    pending_cheques: Callable[[], int] | None = None,
) -> CashDaySummary:
    """Close the actor's office day: figures recounted under the office's lock, any difference
    with the register explained, the receiver proven; nothing is paid in or out of it after."""
    require_staff(actor, "закрытие кассовой смены")
    office_id = actor.office_id
    if office_id is None:
        raise ValidationError("Рабочее место не привязано к офису.", "office")
    if day > dt.date.today():
        raise ValidationError("Нельзя закрыть смену за день, который ещё не наступил.", "day")
    # Every cheque of the office not yet registered (a payment's or a refund's) holds the day.
    waiting = (
        pending_cheques() if pending_cheques is not None else
        journal.pending_count(db, office_id=office_id)
    )  # fmt: skip
    if waiting:
        raise ConflictError(
            f"Есть неотправленные на ККТ чеки ({waiting}): дождитесь их отправки или повторите "
            "отправку, затем закрывайте смену."
        )
    explanation = handover.explanation.strip()
    start, end = local_day_bounds(day)
    with db.transaction() as session:
        lock_office_day(session, office_id, exclusive=True)
        summary = _summary(session, office_id, day)
        if summary.is_closed:
            raise ConflictError(f"Кассовая смена за {date(day)} уже закрыта.")
        totals = handover.totals
        difference = kkt_difference(summary.expected, totals)
        if difference != 0 and len(explanation) < 5:
            raise ValidationError(
                f"Наличные по ККТ расходятся с пультом на {money(difference, sign=True)} ₽: "
                "объясните расхождение, без объяснения смену не закрыть.",
                "explanation",
            )
        _check_receiver(session, actor, handover.receiver)
        assert handover.receiver is not None
        stored = _stored(session, office_id, day)
        values = {
            "status": CashDayStatus.CLOSED, "cash_in": summary.cash_in,
            "cash_out": summary.cash_out,
            "kkt_cash_in": totals.sell_cash if totals else None,
            "kkt_cash_out": totals.return_cash if totals else None,
            "kkt_shift": totals.shift_number if totals else None,
            "difference": difference, "explanation": explanation or None,
            "closed_at": dt.datetime.now(dt.UTC), "closed_by_staff_id": actor.staff_id,
            "received_by_staff_id": handover.receiver.staff_id,
        }  # fmt: skip
        if stored is None:
            stored = CashDay(office_id=office_id, day=day, starts_at=start, ends_at=end, **values)
            session.add(stored)
        else:  # closed again after a reopening
            for name, value in values.items():
                setattr(stored, name, value)
        session.flush()
        audit.record(
            session, actor, AuditAction.CASH_DAY_CLOSE, "cash_day", stored.id,
            after={"day": day.isoformat(), "cash_in": summary.cash_in,
                   "cash_out": summary.cash_out, "kkt_cash_in": values["kkt_cash_in"],
                   "kkt_cash_out": values["kkt_cash_out"], "difference": difference,
                   "explanation": explanation or None,
                   "received_by_staff_id": handover.receiver.staff_id},
        )  # fmt: skip
    return cash_day(db, office_id, day)


def take_z_report(register: CashRegister, actor: Actor) -> ShiftTotals:
    """The register's Z report once the day is closed in the database."""
    return register.close_shift(Cashier(actor.full_name))


def reopen_day(
    db: Database, actor: Actor, office_id: int, day: dt.date, reason: str
) -> CashDaySummary:
    """A supervisor opens a closed day again, with a reason; audited."""
    require_staff(actor, "открытие закрытой кассовой смены")
    require_supervisor(actor, "открытие закрытой кассовой смены")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Укажите причину, по которой смена открывается вновь.", "reason")
    with db.transaction() as session:
        lock_office_day(session, office_id, exclusive=True)
        stored = _stored(session, office_id, day)
        if stored is None or stored.status is not CashDayStatus.CLOSED:
            raise ConflictError(f"Кассовая смена за {date(day)} не закрыта.")
        if actor.staff_id is None:
            raise PermissionDeniedError("Смену открывает руководитель под своим логином.")
        stored.status = CashDayStatus.REOPENED
        stored.reopened_at = dt.datetime.now(dt.UTC)
        stored.reopened_by_staff_id = actor.staff_id
        stored.reopen_reason = reason[:500]
        session.flush()
        audit.record(
            session, actor, AuditAction.CASH_DAY_REOPEN, "cash_day", stored.id,
            before={"status": CashDayStatus.CLOSED},
            after={"status": CashDayStatus.REOPENED, "reason": reason[:500],
                   "day": day.isoformat()},
        )  # fmt: skip
    return cash_day(db, office_id, day)
