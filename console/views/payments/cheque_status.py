"""«Чеки ККТ: ожидают N» in the status bar, and the background retry of pending cheques.

At start and then every minute the desk sends this workstation's pending cheques again
(services/fiscal/journal.retry_pending, off the GUI thread); the label shows how many still
wait and, when the ККТ refuses, its Russian message as the tooltip. With no ККТ configured the
label says so once and nothing is retried."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from console.services.fiscal.factory import cash_register
from console.services.fiscal.journal import RetrySummary, retry_pending
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import WindowHost

RETRY_EVERY_MS = 60_000
FIRST_RETRY_MS = 2_000


class ChequeMonitor(QObject):
    """Retries pending cheques now and then; ``changed(summary)`` after each round."""

    changed = Signal(object)  # RetrySummary

    def __init__(self, ctx: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._pending = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.timer.start(FIRST_RETRY_MS)
        ctx.changes.account_changed.connect(lambda _id: self.timer.start(FIRST_RETRY_MS))

    def check(self) -> None:
        if self._pending:
            return
        self._pending = True
        db, actor, kkt = self.ctx.db, self.ctx.actor, cash_register(self.ctx.settings)
        workstation = actor.workstation
        run_op(
            self.ctx,
            self,
            lambda: retry_pending(db, kkt, actor, workstation=workstation),
            self._done,
            lambda _error: self._done(None),
            key="kkt-retry",
        )

    def _done(self, summary: RetrySummary | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._pending = False
        if summary is not None:
            self.changed.emit(summary)
        self.timer.start(RETRY_EVERY_MS)


class ChequeLabel(QLabel):
    def show_summary(self, summary: RetrySummary) -> None:
        if summary.still_pending:
            self.setText("Чеки ККТ: ожидают {0}".format(summary.still_pending))
            self.setStyleSheet("color: white; background: #b00020;")
            self.setToolTip(
                summary.last_error
                or "Чеки будут пробиты, как только касса ответит; оплаты сохранены."
            )
        else:
            self.setText("Чеки ККТ: все пробиты")
            self.setStyleSheet("color: #1b5e20;")
            self.setToolTip("Каждый платёж этого рабочего места получил кассовый чек.")


def install_window(window: WindowHost) -> None:
    ctx = window.ctx
    label = ChequeLabel(window)
    label.setObjectName("chequeStatus")
    label.setContentsMargins(6, 0, 6, 0)
    window.statusBar().addPermanentWidget(label)
    if not ctx.settings.kkt_url.strip():
        label.setText("ККТ не подключена")
        label.setToolTip("Квитанции пульта не являются кассовыми чеками.")
        return
    label.setText("Чеки ККТ: проверка…")
    monitor = ChequeMonitor(ctx, window)
    monitor.changed.connect(label.show_summary)
    window.cheque_monitor = monitor  # type: ignore[attr-defined]
