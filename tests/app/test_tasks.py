"""TaskRunner: results come back on the GUI thread; an older call under a key is dropped."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread

from console.services.core.errors import ValidationError
from console.views.common.tasks import TaskRunner


def test_result_arrives_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    seen: list[tuple[int, bool]] = []
    worker_thread: list[str] = []

    def work() -> int:
        worker_thread.append(threading.current_thread().name)
        return 42

    runner.run(work, lambda v: seen.append((v, QThread.currentThread().isMainThread())))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(42, True)]
    assert worker_thread[0].startswith("db")
    runner.shutdown()


def test_a_newer_call_under_the_same_key_wins(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    delivered: list[str] = []

    def slow() -> str:
        time.sleep(0.2)
        return "старый"

    runner.run(slow, delivered.append, key="search")
    runner.run(lambda: "новый", delivered.append, key="search")
    qtbot.waitUntil(lambda: "новый" in delivered, timeout=5000)
    qtbot.wait(300)
    assert delivered == ["новый"]
    runner.shutdown()


def test_errors_reach_the_handler_and_busy_state_resets(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    errors: list[str] = []
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)

    def bad() -> None:
        raise ValidationError("Номер счётчика не найден.", "serial")

    runner.run(bad, on_error=lambda e: errors.append(str(e)))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors == ["Номер счётчика не найден."]
    assert busy == [True, False]
    runner.shutdown()


def test_calls_after_shutdown_are_ignored(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    runner.shutdown()
    called: list[int] = []
    future = runner.run(lambda: 1, called.append)
    assert future.cancelled()
    qtbot.wait(50)
    assert called == []
