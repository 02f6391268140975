"""Choosing a closed billing month of an account before its payment document is shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import month_year
from console.services.documents import data
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for


class MonthPickerDialog(QDialog):
    """The account's closed months, newest first; Enter or a double click chooses."""

    def __init__(
        self, ctx: ViewContext, account_id: int, account_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setWindowTitle("Платёжный документ — лицевой счёт {0}".format(account_number))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Расчётный месяц:", self))
        self.months = QListWidget(self)
        self.months.setObjectName("months")
        self.months.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.months)
        self.error = QLabel("", self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Показать")
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(360, 360)
        run_op(
            ctx,
            self,
            lambda: data.closed_periods(ctx.db, account_id),
            self._show_months,
            self._show_error,
            key=f"closed-periods-{id(self)}",
        )

    def _show_months(self, periods: tuple[dt.date, ...]) -> None:
        self.months.clear()
        for period in periods:
            item = QListWidgetItem(month_year(period), self.months)
            item.setData(Qt.ItemDataRole.UserRole, period)
        if periods:
            self.months.setCurrentRow(0)
            self.ok_button.setEnabled(True)
            self.months.setFocus()
        else:
            self._show_error("По лицевому счёту ещё нет закрытых расчётных месяцев.")

    def _show_error(self, error: Exception | str) -> None:
        self.error.setText(error if isinstance(error, str) else message_for(error))
        self.error.show()

    def selected_period(self) -> dt.date | None:
        item = self.months.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, dt.date) else None
