"""Running service calls off the GUI thread: one database worker, busy state, stale results dropped.

The GUI thread never waits on the database or on reportlab (DESIGN.md rule 3). Services stay
synchronous; views hand them to :class:`TaskRunner`, which runs them on a single database thread
(like Anki's taskman) and delivers the result back on the GUI thread. A call made under a key
supersedes the earlier calls under that key: their results are dropped, so a search typed over by
the next keystroke never overwrites the newer one.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from console.services.core.errors import ConsoleError

T = TypeVar("T")
log = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Runs callables on worker threads and calls back on the GUI thread."""

    busy_changed = Signal(bool)
    #: A message for the status bar/the user when a task fails and nobody handles it.
    failed = Signal(str)
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._heavy = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        self._generation: dict[str, int] = {}
        self._running = 0
        self._closed = False
        self._finished.connect(self._deliver)

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        key: str | None = None,
        heavy: bool = False,
        settled: Callable[[], None] | None = None,
        quiet: bool = False,
    ) -> Future[T]:
        """Run ``fn`` on the database thread (``heavy``: the render thread).

        ``settled`` is called on the GUI thread when the call is over, even when its result is
        dropped as stale (an operation's busy state ends there). A ``quiet`` call (a background
        poll) does not count as busy: the status bar does not blink «Выполняется…» for it.
        """
        if self._closed:
            # A timer of a window being torn down may still fire; there is nobody to answer.
            cancelled: Future[T] = Future()
            cancelled.cancel()
            return cancelled
        generation = None
        if key is not None:
            generation = self._generation.get(key, 0) + 1
            self._generation[key] = generation
        if not quiet:
            self._set_running(+1)
        pool = self._heavy if heavy else self._db
        future: Future[T] = pool.submit(fn)
        future.add_done_callback(
            lambda f: self._finished.emit((f, key, generation, on_done, on_error, settled, quiet))
        )
        return future

    def on_database(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the database thread and wait for it: for work already running on the
        render thread that needs a database step (never call it from the database thread)."""
        if threading.current_thread().name.startswith("db"):
            return fn()
        return self._db.submit(fn).result()

    def is_stale(self, key: str, generation: int | None) -> bool:
        return generation is not None and self._generation.get(key) != generation

    @Slot(object)
    def _deliver(
        self, packet: tuple[Future[Any], str | None, int | None, Any, Any, Any, bool]
    ) -> None:
        future, key, generation, on_done, on_error, settled, quiet = packet
        if not quiet:
            self._set_running(-1)
        if settled is not None:
            settled()
        if future.cancelled() or (key is not None and self.is_stale(key, generation)):
            return
        error = future.exception()
        if error is None:
            if on_done is not None:
                on_done(future.result())
            return
        if isinstance(error, ConsoleError):
            # Expected refusals (a validation, a conflict, a lost link): the class only — their
            # Russian texts may quote what was typed (a passport, a phone).
            log.info("task %s refused: %s", key or "-", type(error).__name__)
        else:
            log.error(
                "task %s failed:\n%s",
                key or "-",
                "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            )
        if on_error is not None and isinstance(error, Exception):
            on_error(error)
        else:
            self.failed.emit(message_for(error))

    def _set_running(self, delta: int) -> None:
        was_busy = self._running > 0
        self._running += delta
        if was_busy != (self._running > 0):
            self.busy_changed.emit(self._running > 0)

    def shutdown(self) -> None:
        self._closed = True
        self._db.shutdown(wait=True, cancel_futures=True)
        self._heavy.shutdown(wait=True, cancel_futures=True)


def message_for(error: BaseException) -> str:
    """The Russian sentence to show for an error."""
    if isinstance(error, ConsoleError):
        return str(error)
    return "Непредвиденная ошибка. Введённые данные сохранены на экране; сообщите администратору."
