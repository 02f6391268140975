"""Qt fixtures: a ViewContext on a real migrated database with reference data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.services.database import Database
from console.services.reference_data import ensure_reference_data
from console.services.staff import resolve_actor
from console.settings import load_settings
from console.views.context import ViewContext
from console.views.tasks import TaskRunner


@pytest.fixture
def view_context(sqlite_db: Database, qtbot) -> Iterator[ViewContext]:  # type: ignore[no-untyped-def]
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    settings = load_settings(str(sqlite_db.engine.url))
    actor = resolve_actor(sqlite_db, "admin", "TMN-1", "test-desk")
    tasks = TaskRunner()
    yield ViewContext(db=sqlite_db, settings=settings, actor=actor, tasks=tasks)
    tasks.shutdown()
