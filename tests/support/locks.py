"""Waiting, without timing assumptions, until a PostgreSQL backend is blocked on a lock."""

from __future__ import annotations

import time

from sqlalchemy import text

from console.services.core.database import Database


def wait_until_blocked(db: Database, count: int = 1, limit_s: float = 30.0) -> None:
    """Poll pg_stat_activity until ``count`` backends of this database wait on a lock."""
    deadline = time.monotonic() + limit_s
    with db.engine.connect() as conn:
        while True:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            conn.rollback()
            if waiting >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError("no backend became blocked on a lock")
            time.sleep(0.01)
