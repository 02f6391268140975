"""Shared bits of the appeals UI tests: a real ViewContext over a test database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.services.actor import Actor
from console.services.database import Database
from console.settings import Settings
from console.views.context import ViewContext
from console.views.tasks import TaskRunner

SHOTS = "/tmp/appeals"


@contextmanager
def view_context(db: Database, actor: Actor) -> Iterator[ViewContext]:
    tasks = TaskRunner()
    try:
        yield ViewContext(db=db, settings=Settings(database_url="sqlite://"), actor=actor,
                          tasks=tasks)  # fmt: skip
    finally:
        tasks.shutdown()


def grab(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a picture of the widget for a person to look at."""
    import os

    os.makedirs(SHOTS, exist_ok=True)
    widget.grab().save(f"{SHOTS}/{name}.png")
