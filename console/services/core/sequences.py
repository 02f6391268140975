"""Gap-free registration numbers from ``number_sequences`` (receipts, refund applications)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from console.models import NumberSequence


def next_value(session: Session, scope: str, year: int) -> int:
    """The next number of ``scope`` in ``year``, inside the caller's transaction.

    One upsert statement: the row lock it takes makes concurrent registrations queue, and a
    rolled-back registration rolls the counter back too, so numbers have no holes.
    """
    table = NumberSequence.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(scope=scope, year=year, last_value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.year],
        set_={"last_value": table.c.last_value + 1},
    ).returning(table.c.last_value)
    return int(session.execute(stmt).scalar_one())
