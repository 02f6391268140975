"""Shared bits of the appeals UI tests: a real ViewContext over a test database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication

from console.services.core.database import Database
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner

SHOTS = "/tmp/appeals"


@contextmanager
def view_context(db: Database, actor: Actor) -> Iterator[ViewContext]:
    tasks = TaskRunner()
    try:
        yield ViewContext(
            db=db, settings=Settings(database_url="sqlite://"), actor=actor, tasks=tasks
        )
    finally:
        # Let queued tasks deliver: shutdown(cancel_futures) would hand Qt cancelled futures.
        deadline = time.monotonic() + 10
        while tasks._running and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.01)
        tasks.shutdown()


def grab(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a picture of the widget for a person to look at."""
    import os

    os.makedirs(SHOTS, exist_ok=True)
    widget.grab().save(f"{SHOTS}/{name}.png")
