"""Closed billing periods stay as they were closed: new money lands in the first open month.

On PostgreSQL the database guards closed periods too; on the embedded SQLite database these
checks are the only guard, so every service that appends ledger entries dates them here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import BillingPeriod
from console.models.enums import PeriodStatus
from console.services.errors import ConflictError
from console.services.formatting import add_months, month_year
from console.services.reading_state import lock_period


def is_closed(session: Session, month: dt.date) -> bool:
    """True when the billing period of ``month`` is closed."""
    status = session.scalar(
        select(BillingPeriod.status).where(BillingPeriod.period == month.replace(day=1))
    )
    return status is PeriodStatus.CLOSED


def open_month(session: Session, day: dt.date) -> dt.date:
    """The month a ledger entry dated ``day`` belongs to: its own, or the first open one after.

    The period's lock is taken shared (PostgreSQL), so the month cannot close under the entry.
    """
    month = day.replace(day=1)
    while True:
        lock_period(session, month, exclusive=False)
        if not is_closed(session, month):
            return month
        month = add_months(month, 1)


def refuse_closed(session: Session, month: dt.date) -> None:
    """Refuse a write dated in a closed period (charges, statements, readings of that month)."""
    if is_closed(session, month):
        raise ConflictError(
            f"Период «{month_year(month.replace(day=1))}» закрыт: его данные не изменяются; "
            "ошибку исправляют перерасчётом в открытом периоде."
        )
