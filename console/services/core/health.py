"""Is the database reachable? A cheap round trip for the status bar's connection state."""

from __future__ import annotations

from sqlalchemy import text

from console.services.core.database import Database


def ping(db: Database) -> None:
    """One ``SELECT 1``; DatabaseUnavailableError when the server cannot be reached.

    The engine's pool checks connections before use (pre-ping), so the first ping after the
    server comes back opens a fresh connection: the console reconnects by itself.
    """
    with db.read() as session:
        session.execute(text("SELECT 1"))
