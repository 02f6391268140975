"""The refresh poll (views/common/watch.py) does not blink «Выполняется…» in the status bar."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from console.views.common.context import ViewContext
from console.views.common.watch import ChangeWatcher


def test_the_poll_is_not_shown_as_busy(qtbot: QtBot, view_context: ViewContext) -> None:
    busy: list[bool] = []
    view_context.tasks.busy_changed.connect(busy.append)
    watcher = ChangeWatcher(view_context, every_ms=20)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.mark is not None)
    polled = watcher.mark
    qtbot.wait(200)  # several polls
    watcher.stop()
    qtbot.waitUntil(lambda: not watcher._pending)
    assert polled is not None and busy == []
