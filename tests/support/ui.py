"""A ViewContext for widget tests: the real database, an actor and a real TaskRunner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.services.core.database import Database
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner


@contextmanager
def view_context(db: Database, actor: Actor, **settings: object) -> Iterator[ViewContext]:
    tasks = TaskRunner()
    try:
        yield ViewContext(db=db, settings=Settings(**settings), actor=actor, tasks=tasks)  # type: ignore[arg-type]
    finally:
        tasks.shutdown()


def grab(widget: object, path: str) -> None:
    """Save a picture of ``widget`` after pending layout and paint events have run."""
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(path)
