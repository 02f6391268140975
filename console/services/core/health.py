"""Is the database reachable? A cheap round trip for the status bar's connection state."""

from __future__ import annotations

from sqlalchemy import text

from console.services.core.database import Database


def ping(db: Database) -> str:
    """One ``SELECT 1`` on the primary; DatabaseUnavailableError when it cannot be reached.

    The engine's pool checks connections before use (pre-ping), so the first ping after the
    server comes back opens a fresh connection: the console reconnects by itself. With read
    replicas a routed read follows (a replica that is back is found again), and the answer is
    the note for the status bar: why reads go to the primary, or "" when they need not.
    """
    with db.read(primary=True) as session:
        session.execute(text("SELECT 1"))
    if db.router is None:
        return ""
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return db.read_note
