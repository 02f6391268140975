"""«What changed since»: another desk's writes are seen by the poll, once each (#19b)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.models.enums import StaffRole
from console.services.appeals import intake
from console.services.core.database import Database, create_db_engine
from console.services.staff import changes
from console.services.staff.changes import ChangeMark
from tests.appeals.test_appeals import draft
from tests.support.factories import make_account, make_staff


@contextmanager
def another_desk(db: Database) -> Iterator[Database]:
    """The same database through an engine (and connections) of its own, as another desk has."""
    other = Database(create_db_engine(db.engine.url.render_as_string(hide_password=False)))
    try:
        yield other
    finally:
        other.dispose()


def test_the_poll_reports_what_another_desk_wrote_once(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    acc = make_account(db)
    mark = changes.current_mark(db)
    nothing = changes.changes_since(db, mark)
    assert not nothing.any and nothing.mark.last_id == mark.last_id

    with another_desk(db) as other:
        intake.register(other, clerk, draft(other, account_id=acc.account_id))
    found = changes.changes_since(db, mark)
    assert found.any and "appeal" in found.entities
    assert found.account_ids == {acc.account_id}
    assert found.mark.last_id > mark.last_id
    assert not changes.changes_since(db, found.mark).any  # reported once


def test_an_event_committed_late_below_the_mark_is_still_reported(db: Database) -> None:
    clerk = make_staff(db, "clerk1", StaffRole.CLERK)
    acc = make_account(db)
    before = changes.current_mark(db)
    intake.register(db, clerk, draft(db, account_id=acc.account_id))
    intake.register(db, clerk, draft(db))
    now = changes.changes_since(db, before).mark
    new_ids = sorted(now.recent - before.recent)
    assert len(new_ids) >= 2
    # As if the first of them had committed only after the poll saw the later ones.
    late = ChangeMark(now.last_id, now.recent - {new_ids[0]})
    found = changes.changes_since(db, late)
    assert found.any and found.account_ids == {acc.account_id}
    assert not changes.changes_since(db, found.mark).any
