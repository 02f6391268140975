"""Gap-free registration numbers: a counter row per (scope, year) in ``number_sequences``."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from console.models import NumberSequence


def next_value(session: Session, scope: str, year: int) -> int:
    """The next value of the (scope, year) counter, inside the caller's transaction.

    ``UPDATE … RETURNING`` takes the row lock: concurrent registrations queue on it, and a
    rolled-back registration rolls the increment back too, so the numbers have no holes.
    The first registration of a year inserts the row with ``ON CONFLICT DO NOTHING``: two
    clerks starting a year together both end up incrementing the one row.
    """
    bump = (
        update(NumberSequence)
        .where(NumberSequence.scope == scope, NumberSequence.year == year)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is not None:
        return int(value)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(NumberSequence)
        .values(scope=scope, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["scope", "year"])
    )
    return int(session.execute(bump).scalar_one())
