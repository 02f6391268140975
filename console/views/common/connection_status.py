"""«Связь с базой: есть/нет» in the status bar, from a small periodic ping through TaskRunner.

The engine checks pooled connections before use, so once the server is back the next ping (or
the clerk's next action) simply works: the console reconnects by itself. While the link is down
the ping comes more often so the label turns green soon after the server returns. With read
replicas the label also says when reads go to the primary (a replica down or lagging behind).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from console.services.core import health
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import WindowHost

CHECK_EVERY_MS = 30_000
RETRY_EVERY_MS = 5_000
_UP_STYLE = "color: #1b5e20;"
_DOWN_STYLE = "color: white; background: #b00020;"
_NOTE_STYLE = "color: #8a5a00;"


class ConnectionMonitor(QObject):
    """Pings the database now and then; ``changed(bool)`` when the link comes or goes."""

    changed = Signal(bool)
    #: Why reads go to the primary although there are replicas ("" when they do not).
    note_changed = Signal(str)

    def __init__(self, ctx: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.online: bool | None = None
        self.note = ""
        self._pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_EVERY_MS)

    def check(self) -> None:
        """One ping now (skipped while the previous one is still out)."""
        if self._pending:
            return
        self._pending = True
        db = self.ctx.db
        run_op(
            self.ctx,
            self,
            lambda: health.ping(db),
            lambda note: self._result(True, str(note or "")),
            lambda _error: self._result(False),
            key="db-ping",
        )

    def _result(self, online: bool, note: str = "") -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the ping was out
        self._pending = False
        if online != self.online:
            self.online = online
            self.changed.emit(online)
        if online and note != self.note:
            self.note = note
            self.note_changed.emit(note)
        self.timer.start(CHECK_EVERY_MS if online and not note else RETRY_EVERY_MS)

    def stop(self) -> None:
        self.timer.stop()


class ConnectionLabel(QLabel):
    """The status bar's «Связь с базой: есть/нет»."""

    def __init__(self, monitor: ConnectionMonitor, parent: QMainWindow) -> None:
        super().__init__(parent)
        self.setObjectName("connectionLabel")
        self.setContentsMargins(6, 0, 6, 0)
        self._window = parent
        self._note = ""
        self._online = True
        monitor.changed.connect(self.show_state)
        monitor.note_changed.connect(self.show_note)
        self.show_state(True, announce=False)

    def show_note(self, note: str) -> None:
        """Reads go to the primary (a replica is down or behind): said beside the link state."""
        self._note = note
        if note:
            self._window.statusBar().showMessage(note, 10_000)
        self.show_state(self._online, announce=False)

    def show_state(self, online: bool, announce: bool = True) -> None:
        self._online = online
        if online and self._note:
            self.setText("Связь с базой: есть (чтение с основного сервера)")
            self.setStyleSheet(_NOTE_STYLE)
            self.setToolTip(self._note)
        elif online:
            self.setText("Связь с базой: есть")
            self.setStyleSheet(_UP_STYLE)
            self.setToolTip("База данных отвечает.")
        else:
            self.setText("Связь с базой: нет")
            self.setStyleSheet(_DOWN_STYLE)
            self.setToolTip("Пульт переподключится сам. Введённые данные на экране сохранены.")
        if announce:
            message = (
                "Связь с базой данных восстановлена."
                if online
                else "Нет связи с базой: переподключение…"
            )
            self._window.statusBar().showMessage(message, 10_000)
        self.updateGeometry()


def install_window(window: WindowHost) -> None:
    """Add the connection state to the main window's status bar and start the pings."""
    ctx = window.ctx
    monitor = ConnectionMonitor(ctx, window)
    label = ConnectionLabel(monitor, window)
    window.statusBar().addPermanentWidget(label)
    window.connection_monitor = monitor  # type: ignore[attr-defined]
