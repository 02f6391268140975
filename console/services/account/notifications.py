"""Notifications on an account (seed 004): debt, readings missing, verification, open cases.

Each has a severity the card colours by: ``critical`` (red), ``warning`` (amber), ``info`` (blue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import Account, Appeal, AppealTopic, LedgerEntry, RefundApplication
from console.models.enums import (
    AccountStatus,
    AppealStatus,
    LedgerKind,
    MeterKind,
    MeterStatus,
    RefundStatus,
)
from console.services.core.formatting import date, money, month_year
from console.services.vocabulary.labels import label_of

if TYPE_CHECKING:
    from console.services.account.card import MeterInfo

VERIFICATION_WARNING_DAYS = 90
OPEN_REFUND = (RefundStatus.REGISTERED, RefundStatus.UNDER_REVIEW, RefundStatus.APPROVED)
OPEN_APPEAL = (AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS)
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Notification:
    severity: str  # critical | warning | info
    code: str  # debt, readings_missing, verification_expired, verification_due, refund_open, …
    text: str


def notifications(
    session: Session,
    account: Account,
    balance: Decimal,
    meters: Sequence[MeterInfo],
    period: dt.date,
    today: dt.date,
    reading_window_last_day: int,
) -> tuple[Notification, ...]:
    """What the clerk should see at a glance, the most serious first."""
    notes: list[Notification] = []
    if account.status is AccountStatus.CLOSED:
        closed = f" {date(account.closed_on)}" if account.closed_on else ""
        notes.append(Notification("info", "closed", f"Лицевой счёт закрыт{closed}."))
    if balance > 0:
        notes.append(_debt(session, account.id, balance))
    live = [m for m in meters if m.status == MeterStatus.ACTIVE.value]
    if account.status is AccountStatus.ACTIVE:
        notes.extend(_readings(live, period, today, reading_window_last_day))
    notes.extend(_verification(live, today))
    notes.extend(_open_cases(session, account.id, today))
    return tuple(sorted(notes, key=lambda n: SEVERITY_ORDER.get(n.severity, 3)))


def _debt(session: Session, account_id: int, balance: Decimal) -> Notification:
    # Debt above two months of usual charges is serious: the supplier may restrict supply.
    recent = session.scalars(
        select(func.sum(LedgerEntry.amount))
        .where(LedgerEntry.account_id == account_id, LedgerEntry.kind == LedgerKind.CHARGE)
        .group_by(LedgerEntry.period)
        .order_by(LedgerEntry.period.desc())
        .limit(3)
    ).all()
    monthly = sum(recent, Decimal(0)) / len(recent) if recent else Decimal(0)
    if monthly > 0 and balance > 2 * monthly:
        return Notification(
            "critical",
            "debt",
            f"Задолженность {money(balance, currency=True)} — больше двух месячных начислений.",
        )
    return Notification("warning", "debt", f"Задолженность {money(balance, currency=True)}.")


def _readings(
    meters: Sequence[MeterInfo], period: dt.date, today: dt.date, last_day: int
) -> list[Notification]:
    missing = [
        m.serial
        for m in meters
        if m.kind == MeterKind.INDIVIDUAL.value and not m.submitted_this_period
    ]
    if not missing:
        return []
    serials = ", ".join(missing)
    month = month_year(period).lower()
    window_over = (today.year, today.month) == (period.year, period.month) and today.day > last_day
    if window_over or today >= _next_month(period):
        return [
            Notification(
                "warning",
                "readings_missing",
                f"Показания за {month} не переданы (счётчик {serials}); приём закончился "
                f"{last_day}-го — месяц будет начислен по среднему.",
            )
        ]
    return [
        Notification(
            "info",
            "readings_missing",
            f"Показания за {month} ещё не переданы (счётчик {serials}); приём до {last_day}-го.",
        )
    ]


def _verification(meters: Sequence[MeterInfo], today: dt.date) -> list[Notification]:
    notes = []
    for m in meters:
        due = m.next_verification_on
        if due is None:
            continue
        if due < today:
            notes.append(
                Notification(
                    "critical",
                    "verification_expired",
                    f"Истёк межповерочный интервал счётчика {m.serial} ({date(due)}): "
                    "показания не принимаются к расчёту, нужна поверка или замена.",
                )
            )
        elif (due - today).days <= VERIFICATION_WARNING_DAYS:
            notes.append(
                Notification(
                    "warning",
                    "verification_due",
                    f"Поверка счётчика {m.serial} — до {date(due)} "
                    f"(осталось {(due - today).days} дн.).",
                )
            )
    return notes


def _open_cases(session: Session, account_id: int, today: dt.date) -> list[Notification]:
    notes = []
    refund = RefundApplication
    refunds = session.execute(
        select(refund.number, refund.registered_at, refund.status, refund.amount, refund.due_on)
        .where(refund.account_id == account_id, refund.status.in_(OPEN_REFUND))
        .order_by(refund.registered_at)
    ).all()
    for number, registered_at, refund_status, amount, due_on in refunds:
        overdue = due_on < today
        notes.append(
            Notification(
                "warning" if overdue else "info",
                "refund_open",
                f"Заявление на возврат № {number} от {date(registered_at.date())} на "
                f"{money(amount, currency=True)}: {label_of(RefundStatus, refund_status).lower()}"
                + (f", срок {date(due_on)} прошёл." if overdue else f", срок {date(due_on)}."),
            )
        )
    appeals = session.execute(
        select(Appeal.number, Appeal.registered_at, Appeal.status, Appeal.due_on, AppealTopic.name)
        .join(AppealTopic, AppealTopic.id == Appeal.topic_id)
        .where(Appeal.account_id == account_id, Appeal.status.in_(OPEN_APPEAL))
        .order_by(Appeal.registered_at)
    ).all()
    for number, registered_at, status, due_on, topic in appeals:
        overdue = due_on < today
        notes.append(
            Notification(
                "warning" if overdue else "info",
                "appeal_open",
                f"Обращение № {number} «{topic}» от {date(registered_at.date())}: "
                f"{label_of(AppealStatus, status).lower()}"
                + (
                    f", срок ответа {date(due_on)} прошёл."
                    if overdue
                    else f", ответ до {date(due_on)}."
                ),
            )
        )  # fmt: skip
    return notes


def _next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
