"""Choosing a billing month of an account before its payment document is shown: the closed
months, and first the month in progress for an interim (preliminary) document."""

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
from console.services.documents import data, interim
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for


class MonthPickerDialog(QDialog):
    """The month in progress (interim document) and the account's closed months, newest first;
    Enter or a double click chooses. The newest closed month is preselected, or the month in
    progress when ``prefer_interim`` (right after readings). ``offer_interim`` False: closed
    months only (what is e-mailed is the month's stored bill, never a preliminary one)."""

    INTERIM_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        account_number: str,
        parent: QWidget | None = None,
        *,
        prefer_interim: bool = False,
        offer_interim: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.prefer_interim = prefer_interim
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
        self.resize(420, 360)
        run_op(
            ctx,
            self,
            lambda: (
                data.closed_periods(ctx.db, account_id),
                interim.interim_available(ctx.db, account_id) if offer_interim else None,
            ),
            self._show_months,
            self._show_error,
            key=f"closed-periods-{id(self)}",
        )

    def _show_months(self, found: tuple[tuple[dt.date, ...], dt.date | None]) -> None:
        periods, open_month = found
        self.months.clear()
        if open_month is not None:
            text = "{0} — предварительный расчёт (месяц не закрыт)".format(month_year(open_month))
            item = QListWidgetItem(text, self.months)
            item.setData(Qt.ItemDataRole.UserRole, open_month)
            item.setData(self.INTERIM_ROLE, True)
        for period in periods:
            item = QListWidgetItem(month_year(period), self.months)
            item.setData(Qt.ItemDataRole.UserRole, period)
        if self.months.count():
            first_closed = 1 if open_month is not None and periods else 0
            self.months.setCurrentRow(0 if self.prefer_interim else first_closed)
            self.ok_button.setEnabled(True)
            self.months.setFocus()
        else:
            self._show_error("По лицевому счёту ещё нет расчётных месяцев.")

    def _show_error(self, error: Exception | str) -> None:
        self.error.setText(error if isinstance(error, str) else message_for(error))
        self.error.show()

    def selected_interim(self) -> bool:
        """True when the month in progress is chosen: an interim document, not the bill."""
        item = self.months.currentItem()
        return bool(item is not None and item.data(self.INTERIM_ROLE))

    def selected_period(self) -> dt.date | None:
        item = self.months.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, dt.date) else None
