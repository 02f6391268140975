"""Closed billing periods stay as they were closed: new money lands in the first open month.

On PostgreSQL the database guards closed periods too; on the embedded SQLite database this is
the only guard, so every service that appends ledger entries dates them here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from console.services.reading_state import open_period_from


def open_month(session: Session, day: dt.date) -> dt.date:
    """The month a ledger entry dated ``day`` belongs to: its own, or the first open one after.

    The period's lock is taken shared (PostgreSQL), so the month cannot close under the entry.
    """
    return open_period_from(session, day.replace(day=1))[0]
