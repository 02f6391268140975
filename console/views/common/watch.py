"""Open queues and cards refresh by themselves: a light poll of «what changed since» (#19b).

Every :data:`POLL_EVERY_MS` the desk asks the journal what was written since its last look
(:mod:`console.services.staff.changes` says why a poll and not LISTEN/NOTIFY: it works on SQLite
and through PgBouncer's transaction pooling, with no connection held open per desk). What comes
back is announced on the session's :class:`~console.views.common.changes.ChangeHub`:
``account_changed(id)`` for every account written to — the open cards of it reload — and
``data_changed(entities)`` once per batch, which the queues listen to. Writes of this desk are
announced again by the poll; the views coalesce the reloads, so that costs one cheap query.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, QTimer

from console.services.staff import changes
from console.services.staff.changes import ChangeMark, Changes
from console.views.common.context import ViewContext
from console.views.common.operations import Operation
from console.views.common.plugins import WindowHost

POLL_EVERY_MS = 5_000
log = logging.getLogger(__name__)


class ChangeWatcher(QObject):
    """Asks the database what changed, now and then, and announces it on ``ctx.changes``."""

    def __init__(
        self, ctx: ViewContext, parent: QObject | None = None, *, every_ms: int = POLL_EVERY_MS
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mark: ChangeMark | None = None
        self._pending = False
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Take the current mark now (what is already on screen counts as seen), then poll."""
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        """One question now (skipped while the previous one is still out)."""
        if self._pending:
            return
        self._pending = True
        db, mark = self.ctx.db, self.mark
        if mark is None:
            first = Operation(self, lambda: changes.current_mark(db)).success(self._marked)
            first.failure(self._failed).quiet().run(self.ctx)
            return
        ask = Operation(self, lambda: changes.changes_since(db, mark)).success(self._changed)
        ask.failure(self._failed).quiet().run(self.ctx)

    def _marked(self, mark: ChangeMark) -> None:
        self._pending = False
        self.mark = mark

    def _changed(self, found: Changes) -> None:
        self._pending = False
        self.mark = found.mark
        if not found.any:
            return
        hub = self.ctx.changes
        if not shiboken6.isValid(hub):
            return
        for account_id in sorted(found.account_ids):
            hub.announce_account(account_id)
        hub.announce_data(found.entities)

    def _failed(self, error: Exception) -> None:
        # The link is down or the server busy: the connection label says so; ask again later.
        self._pending = False
        log.info("change poll failed: %s", type(error).__name__)


def install_window(window: WindowHost) -> None:
    """Start polling for the main window's session."""
    watcher = ChangeWatcher(window.ctx, window)
    watcher.start()
    window.change_watcher = watcher  # type: ignore[attr-defined]
