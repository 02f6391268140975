"""Many clerks registering at once on PostgreSQL: numbers unique and gap-free, rollbacks too."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from console.models.enums import StaffRole
from console.services.appeals import intake
from console.services.core import sequences
from console.services.core.database import Database
from tests.appeals.test_appeals import draft
from tests.support.factories import make_staff

THREADS = 8
EACH = 10


@pytest.mark.postgres
def test_concurrent_registrations_are_numbered_without_gaps(pg_db: Database) -> None:
    clerks = [make_staff(pg_db, f"clerk{i}", StaffRole.CLERK) for i in range(THREADS)]
    form = draft(pg_db)
    year = dt.date.today().year
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                if i % 4 == 1:
                    # A registration that fails after taking its number: rolled back, no hole.
                    try:
                        with pg_db.transaction() as session:
                            sequences.next_value(session, "appeal:VOS", year)
                            raise RuntimeError("failed after numbering")
                    except RuntimeError:
                        pass
                done = intake.register(pg_db, clerks[index], form)
                with lock:
                    numbers.append(done.number)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == THREADS * EACH
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, THREADS * EACH + 1))
    assert all(n.startswith(f"VOS-{year}-") for n in numbers)
