"""Running a task for a widget: its callbacks are dropped if the widget is gone meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

from console.views.common.tasks import TaskRunner

T = TypeVar("T")


def run_for(
    owner: QObject,
    tasks: TaskRunner,
    fn: Callable[[], T],
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    *,
    key: str | None = None,
) -> Future[T]:
    """``tasks.run`` whose callbacks do nothing once ``owner`` was deleted (a closed tab)."""

    def done(value: T) -> None:
        if on_done is not None and shiboken6.isValid(owner):
            on_done(value)

    def failed(err: Exception) -> None:
        if on_error is not None and shiboken6.isValid(owner):
            on_error(err)

    return tasks.run(fn, done, failed if on_error is not None else None, key=key)
