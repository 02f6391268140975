"""«What changed since?» — the cheap question every open desk asks every few seconds (#19b).

Design: a light poll of the journal, not PostgreSQL LISTEN/NOTIFY.

* Every write path records an audit event in its own transaction (the journal's rule, see
  :mod:`console.services.staff.audit`), so the newest ids of ``audit_events`` tell any desk that
  something was written — by any desk, the CLI or a billing run — and which accounts and which
  kinds of things (``entity``) it touched. No new trigger, table, grant or migration: every staff
  group already reads the journal, and the SECURITY DEFINER triggers stay as they are.
* The question is a range scan of the primary key (``id > :mark``) that returns a handful of
  rows, over an ordinary pooled connection in a READ ONLY transaction. It works on SQLite (the
  embedded desk) and through PgBouncer's transaction pooling, where LISTEN does not (a listener
  needs a session of its own, held open for the whole day, per desk).
* The price is latency: a change shows up within one poll interval (seconds), which is what a
  queue on a supervisor's screen needs.

Ids come from a sequence at insert time while transactions commit in any order, so an event
with a lower id may become visible after a higher one was already seen. The poll therefore looks
back :data:`LOOKBACK` ids below its mark and remembers which of those it has reported already.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from console.models import AuditEvent
from console.services.core.database import Database

#: How far below the newest seen id a late-committed event is still noticed.
LOOKBACK = 200
#: At most this many events per question; a longer burst is read on the next ones.
MAX_EVENTS = 2000


@dataclass(frozen=True)
class ChangeMark:
    """Where a desk stands: the newest event id seen and the recent ids already reported."""

    last_id: int
    recent: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Changes:
    """What was written since the previous mark."""

    mark: ChangeMark
    account_ids: frozenset[int]
    #: The kinds of things written: "appeal", "refund_application", "payment"…
    entities: frozenset[str]

    @property
    def any(self) -> bool:
        return bool(self.entities)


def current_mark(db: Database) -> ChangeMark:
    """The mark to start from: everything written so far counts as seen."""
    with db.read() as session:
        last = session.scalar(select(func.max(AuditEvent.id))) or 0
        recent = session.scalars(select(AuditEvent.id).where(AuditEvent.id > last - LOOKBACK))
        return ChangeMark(last, frozenset(recent))


def changes_since(db: Database, mark: ChangeMark) -> Changes:
    """The events written since ``mark`` (and late commits just below it), and the new mark."""
    floor = mark.last_id - LOOKBACK
    with db.read() as session:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.account_id, AuditEvent.entity)
            .where(AuditEvent.id > floor)
            .order_by(AuditEvent.id)
            .limit(MAX_EVENTS + LOOKBACK)
        ).all()
    new = [r for r in rows if r.id not in mark.recent]
    last = max([mark.last_id, *(r.id for r in rows)])
    seen = {r.id for r in rows if r.id > last - LOOKBACK}
    return Changes(
        ChangeMark(last, frozenset(seen)),
        frozenset(r.account_id for r in new if r.account_id is not None),
        frozenset(r.entity for r in new),
    )
