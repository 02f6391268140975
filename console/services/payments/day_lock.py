"""The closed office day: nothing paid in or out at an office lands in a day closed there.

PostgreSQL holds the same rule (migration 0010, ``console_cash_day_closed``) and takes the same
advisory lock, shared, so a day cannot close under a payment being added."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from console.models import CashDay
from console.models.enums import CashDayStatus
from console.services.core.errors import ConflictError
from console.services.core.formatting import date
from console.services.core.moments import local_date

#: The advisory lock class of an office's cash day (0010).
LOCK_CLASS = 5110


def lock_office_day(session: Session, office_id: int, *, exclusive: bool = False) -> None:
    """Take the office's cash-day lock for this transaction (PostgreSQL; SQLite serialises)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    name = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(text(f"SELECT {name}(:c, :o)"), {"c": LOCK_CLASS, "o": office_id})


def closed_day_at(session: Session, office_id: int | None, moment: dt.datetime) -> CashDay | None:
    """The closed cash day of ``office_id`` that ``moment`` falls into, if any."""
    if office_id is None:
        return None
    return session.scalar(
        select(CashDay).where(
            CashDay.office_id == office_id,
            CashDay.status == CashDayStatus.CLOSED,
            CashDay.starts_at <= moment,
            CashDay.ends_at > moment,
        )
    )


def refuse_closed_day(
    session: Session, office_id: int | None, moment: dt.datetime, *, lock: bool = True
) -> None:
    """ConflictError in Russian when ``moment`` is in a closed cash day of the office;
    ``lock=False`` for an early look from a read (a replica takes no lock)."""
    if office_id is None:
        return
    if lock:
        lock_office_day(session, office_id)
    closed = closed_day_at(session, office_id, moment)
    if closed is not None:
        raise ConflictError(
            f"Кассовая смена офиса за {date(local_date(moment))} закрыта: платежи и выплаты в "
            "неё не вносятся. Открыть её вновь может руководитель офиса."
        )
