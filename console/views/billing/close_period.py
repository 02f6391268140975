"""«Закрыть период»: the billing run from the Office menu, with a progress bar and cancel."""

from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.billing.run import (
    Cancelled,
    ClosePeriodResult,
    close_period,
    next_period_to_close,
)
from console.services.core.formatting import month_year, parse_period, period_key
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import WindowHost
from console.views.common.tasks import message_for


class ClosePeriodDialog(QDialog):
    """Pick the month, run, watch the progress, cancel if needed: a cancelled run leaves nothing."""

    progressed = Signal(int, int)

    def __init__(
        self, ctx: ViewContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.outcome: ClosePeriodResult | None = None
        self._cancel = threading.Event()
        self._running = False
        self.setObjectName("ClosePeriodDialog")
        self.setWindowTitle("Закрытие расчётного периода")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            (
                "Будут рассчитаны начисления всех лицевых счетов за месяц: по показаниям, по "
                "среднему или по нормативу, с перерасчётом, и сформированы итоги месяца. "
                "Закрытый период больше не изменяется."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel("Период (ГГГГ-ММ):", self))
        self.period = QLineEdit(self)
        self.period.setObjectName("period")
        self.period.setMaxLength(7)
        self.period.setInputMask("9999-99")
        self.period.textChanged.connect(self._period_changed)
        row.addWidget(self.period)
        self.month = QLabel(self)
        self.month.setObjectName("month")
        row.addWidget(self.month, 1)
        layout.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.run_button = QPushButton("Закрыть период", self)
        self.run_button.setObjectName("runButton")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Отмена", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.progressed.connect(self._show_progress)
        db, day = ctx.db, today
        run_op(
            ctx,
            self,
            lambda: next_period_to_close(db, today=day),
            lambda p: self.period.setText(period_key(p)),
            lambda err: self.status.setText(message_for(err)),
            key="next-period",
        )

    def _period_changed(self, text: str) -> None:
        try:
            self.month.setText(month_year(parse_period(text)))
        except ValueError:
            self.month.setText("")

    def start(self) -> None:
        try:
            period = parse_period(self.period.text())
        except ValueError as err:
            self.status.setText(str(err))
            return
        self._cancel.clear()
        self._running = True
        self.run_button.setEnabled(False)
        self.period.setEnabled(False)
        self.status.setText("Идёт расчёт «{0}»…".format(month_year(period)))
        ctx, today, cancel = self.ctx, self.today, self._cancel
        run_op(
            ctx,
            self,
            lambda: close_period(
                ctx.db,
                ctx.actor,
                period,
                self.progressed.emit,
                cancel.is_set,
                today=today,
                settings=ctx.settings,
            ),
            self._finished,
            self._failed,
            key="close-period",
        )

    def cancel(self) -> None:
        if self._running:
            self._cancel.set()
            self.status.setText("Отмена… изменения будут отменены.")
        else:
            self.reject()

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 100 // max(total, 1))

    def _finished(self, result: ClosePeriodResult) -> None:
        self._running = False
        self.outcome = result
        self.progress.setValue(100)
        self.status.setText(result.describe())
        self.cancel_button.setText("Закрыть")

    def _failed(self, error: Exception) -> None:
        self._running = False
        self.progress.setValue(0)
        self.run_button.setEnabled(True)
        self.period.setEnabled(True)
        prefix = "" if isinstance(error, Cancelled) else "Период не закрыт. "
        self.status.setText(prefix + message_for(error))


def install_window(window: WindowHost) -> None:
    """«Офис → Закрыть период…» for administrators (the database lets nobody else close one)."""
    action = QAction("Закрыть период…", window)
    action.setObjectName("closePeriodAction")
    allowed = window.ctx.actor.is_admin
    action.setEnabled(allowed)
    if not allowed:
        action.setToolTip("Закрывает расчётный период администратор")

    def open_dialog() -> None:
        ClosePeriodDialog(window.ctx, window).exec()

    action.triggered.connect(open_dialog)
    window.office_menu.addAction(action)
