"""Batch printing (supervisor): a street, a house or a list of accounts into one PDF."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import month_year
from console.services.documents import batch, data
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for

#: What the dialog hands over when the PDF is ready: bytes, file name, tab title.
OnReady = Callable[[bytes, str, str], object]


class _Progress(QObject):
    """Carries progress from the render thread to the GUI thread (queued signal)."""

    changed = Signal(int, int)


class BatchPrintDialog(QDialog):
    """Choose the month and the accounts; watch the progress; cancel at any time."""

    def __init__(
        self, ctx: ViewContext, on_ready: OnReady | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_ready = on_ready
        self.result_pdf: bytes | None = None
        self._cancel = threading.Event()
        self._running = False
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)
        self.setWindowTitle("Пакетная печать платёжных документов")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.period = QComboBox(self)
        form.addRow("Расчётный месяц:", self.period)
        layout.addLayout(form)

        self.by_street = QRadioButton("Улица / дом", self)
        self.by_list = QRadioButton("Список лицевых счетов", self)
        self.by_street.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.by_street)
        modes.addButton(self.by_list)
        layout.addWidget(self.by_street)
        street_row = QHBoxLayout()
        self.street = QLineEdit(self)
        self.street.setPlaceholderText("улица, например: Ленина")
        self.house = QLineEdit(self)
        self.house.setPlaceholderText("дом (все дома)")
        self.house.setMaximumWidth(140)
        street_row.addWidget(self.street, 1)
        street_row.addWidget(self.house)
        layout.addLayout(street_row)
        self.street_error = self._error_label()
        layout.addWidget(self.street_error)
        layout.addWidget(self.by_list)
        self.numbers = QPlainTextEdit(self)
        self.numbers.setPlaceholderText("номера лицевых счетов: по одному в строке")
        self.numbers.setTabChangesFocus(True)
        self.numbers.setMaximumHeight(110)
        layout.addWidget(self.numbers)
        self.list_error = self._error_label()
        layout.addWidget(self.list_error)
        self.by_street.toggled.connect(self._mode_changed)

        self.progress = QProgressBar(self)
        self.progress.setFormat("%v из %m")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = self._error_label()
        layout.addWidget(self.error)

        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("Сформировать", self)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Отмена", self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.resize(520, 380)
        self._mode_changed()
        if not ctx.actor.is_supervisor:
            self.start_button.setEnabled(False)
            self.error.setText("Пакетная печать доступна руководителю офиса.")
            self.error.show()
        run_op(
            ctx,
            self,
            lambda: data.closed_billing_periods(ctx.db),
            self._show_periods,
            self._show_error,
            key=f"batch-periods-{id(self)}",
        )

    def _error_label(self) -> QLabel:
        label = QLabel("", self)
        label.setStyleSheet("color: #b00020;")
        label.setWordWrap(True)
        label.hide()
        return label

    def _mode_changed(self) -> None:
        street = self.by_street.isChecked()
        self.street.setEnabled(street)
        self.house.setEnabled(street)
        self.numbers.setEnabled(not street)
        (self.street if street else self.numbers).setFocus()

    def _show_periods(self, periods: tuple[dt.date, ...]) -> None:
        self.period.clear()
        for period in periods:
            self.period.addItem(month_year(period), period)
        if not periods:
            self._show_error("Нет закрытых расчётных месяцев: печатать нечего.")

    def selection(self) -> batch.BatchSelection:
        if self.by_street.isChecked():
            return batch.BatchSelection(
                street=self.street.text().strip(), house=self.house.text().strip() or None
            )
        numbers = tuple(n for n in re.split(r"[\s,;]+", self.numbers.toPlainText()) if n)
        if not numbers:
            raise ValidationError("Введите хотя бы один номер лицевого счёта.", "accounts")
        return batch.BatchSelection(account_numbers=numbers)

    def start(self) -> None:
        if self._running:
            return
        for label in (self.error, self.street_error, self.list_error):
            label.hide()
        period = self.period.currentData()
        if not isinstance(period, dt.date):
            self._show_error("Выберите расчётный месяц.")
            return
        try:
            selection = self.selection()
            if selection.street is not None and not selection.street:
                raise ValidationError("Укажите улицу.", "street")
        except ValidationError as err:
            self._show_error(err)
            return
        self._cancel.clear()
        self._running = True
        self.start_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Отбор лицевых счетов…")
        db, actor, cancel, progress = self.ctx.db, self.ctx.actor, self._cancel, self._progress

        tasks = self.ctx.tasks

        def job() -> batch.BatchResult:
            # Renders on the render thread; every database step goes to the database thread.
            ids = tasks.on_database(lambda: batch.select_accounts(db, period, selection))
            if not ids:
                raise ValidationError("Не найдено ни одного лицевого счёта для печати.", "street")
            progress.changed.emit(0, len(ids))
            return batch.render_batch(
                db, actor, period, ids,
                progress=lambda done, total: progress.changed.emit(done, total)
                if done % 10 == 0 or done == total else None,
                cancelled=cancel.is_set, on_database=tasks.on_database,
            )  # fmt: skip

        run_op(self.ctx, self, job, self._finished, self._failed, key="batch-print", render=True)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.status.setText("Формирование документов…")

    def _finished(self, result: batch.BatchResult) -> None:
        self._running = False
        self.start_button.setEnabled(True)
        if result.cancelled or result.pdf is None:
            self.progress.hide()
            self.status.setText("Печать отменена.")
            return
        self.result_pdf = result.pdf
        self.status.setText("Готово: {0} стр.".format(result.pages))
        title = "Пакет за {0}".format(month_year(result.period))
        if self.on_ready is not None:
            self.on_ready(result.pdf, f"Платёжные документы {result.period:%Y-%m}.pdf", title)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._running = False
        self.start_button.setEnabled(self.ctx.actor.is_supervisor)
        self.progress.hide()
        self.status.setText("")
        self._show_error(error)

    def _show_error(self, error: Exception | str) -> None:
        text = error if isinstance(error, str) else message_for(error)
        field = getattr(error, "field", None)
        label = {"street": self.street_error, "house": self.street_error,
                 "accounts": self.list_error}.get(field or "", self.error)  # fmt: skip
        label.setText(text)
        label.show()

    def cancel(self) -> None:
        """Stop a running batch (the dialog stays); close when nothing runs."""
        self.reject()

    def reject(self) -> None:
        # Esc and «Отмена» first stop a running batch; pressed again, they close the dialog.
        if self._running:
            self._cancel.set()
            self.status.setText("Отмена…")
            return
        super().reject()
