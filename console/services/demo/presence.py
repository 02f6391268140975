"""Whether a database holds accounts yet: the cheap check of every start, without the generator."""

from __future__ import annotations

from sqlalchemy import select

from console.models import Account
from console.services.core.database import Database


def has_accounts(db: Database) -> bool:
    """Whether the database already holds any account."""
    with db.read() as session:
        return session.scalar(select(Account.id).limit(1)) is not None
