"""Billing periods: which month is open, and the advisory lock that keeps a month from closing
under a reading or a ledger entry being stored.

Closed billing periods stay as they were closed: new money lands in the first open month. On
PostgreSQL the database guards closed periods too; on the embedded SQLite database this is the
only guard, so every service that appends ledger entries dates them here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import BillingPeriod
from console.models.enums import PeriodStatus
from console.services.billing import rules
from console.services.core.formatting import add_months


def first_open_period(session: Session) -> dt.date | None:
    """The month after the last closed period (None before the first close)."""
    last = session.scalar(
        select(func.max(BillingPeriod.period)).where(BillingPeriod.status == PeriodStatus.CLOSED)
    )
    return add_months(last, 1) if last is not None else None


#: Namespace of the advisory locks that keep a period from closing under a reading being stored.
PERIOD_LOCK_CLASS = 5105


def lock_period(session: Session, period: dt.date, *, exclusive: bool) -> None:
    """Readings take the period's lock shared, the billing run exclusive (PostgreSQL only;
    SQLite has a single writer). Advisory locks need no privilege on billing_periods, which
    clerks may not lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(
        text(f"SELECT {function}(:namespace, :key)"),
        {"namespace": PERIOD_LOCK_CLASS, "key": rules.month_index(period)},
    )


def open_period_from(session: Session, period: dt.date) -> tuple[dt.date, PeriodStatus | None]:
    """The first month from ``period`` on that is not closed, locked shared so it cannot close
    under us, and its status (None: no row for it yet)."""
    while True:
        lock_period(session, period, exclusive=False)
        status = session.scalar(select(BillingPeriod.status).where(BillingPeriod.period == period))
        if status is not PeriodStatus.CLOSED:
            return period, status
        period = add_months(period, 1)


def ensure_open_period(session: Session, period: dt.date) -> dt.date:
    """The first open period from ``period`` on, locked so it cannot close under us."""
    period, status = open_period_from(session, period)
    if status is None:
        try:
            with session.begin_nested():
                session.add(BillingPeriod(period=period, status=PeriodStatus.OPEN))
        except IntegrityError:
            pass  # another desk created it; it cannot close while we hold the lock
    return period


def open_month(session: Session, day: dt.date) -> dt.date:
    """The month a ledger entry dated ``day`` belongs to: its own, or the first open one after.

    The period's lock is taken shared (PostgreSQL), so the month cannot close under the entry.
    """
    return open_period_from(session, day.replace(day=1))[0]
