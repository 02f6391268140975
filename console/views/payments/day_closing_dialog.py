"""«Закрытие дня» (supervisor): the office's payments per clerk and method, totals, print."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import date, money
from console.services.documents import receipt
from console.services.payments import counter
from console.services.payments.history import ClosingRow, DayClosing
from console.services.vocabulary.labels import label
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.rows_model import Column, RowsModel
from console.views.common.tasks import message_for
from console.views.printing.preview import PdfPreviewDialog


class DayClosingModel(RowsModel[ClosingRow]):
    """Сотрудник · Способ · Платежей · Сторно · Сумма."""

    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column("Сотрудник", lambda r: r.clerk),
                Column("Способ оплаты", lambda r: label(r.method)),
                Column("Платежей", lambda r: str(r.payments), align_right=True),
                Column("Сторно", lambda r: str(r.reversals), align_right=True),
                Column("Сумма", lambda r: money(r.total, currency=True), align_right=True),
            ],
            parent,
        )

    def cell_tooltip(self, row: ClosingRow, column: Column[ClosingRow]) -> str | None:
        return None


class DayClosingDialog(QDialog):
    """Pick a day; see and print the office's takings."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.closing: DayClosing | None = None
        self.setWindowTitle("Закрытие дня — {0}".format(ctx.actor.office_name))
        self.resize(720, 460)
        self.day = QDateEdit(QDate.currentDate(), self)
        self.day.setDisplayFormat("dd.MM.yyyy")
        self.day.setCalendarPopup(True)
        self.day.dateChanged.connect(self.reload)
        self.model = DayClosingModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.totals = QLabel(self)
        self.totals.setObjectName("closingTotals")
        self.totals.setWordWrap(True)
        self.print_button = QPushButton("Печать…", self)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_closing)
        close = QPushButton("Закрыть", self)
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("День:", self))
        top.addWidget(self.day)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(buttons)
        self.reload()

    def selected_day(self) -> dt.date:
        q = self.day.date()
        return dt.date(q.year(), q.month(), q.day())

    def reload(self) -> None:
        office = self.ctx.actor.office_id
        if office is None:
            self.totals.setText("Рабочее место не привязано к офису.")
            return
        db, day = self.ctx.db, self.selected_day()
        run_op(
            self.ctx,
            self,
            lambda: counter.day_closing(db, office, day),
            self._loaded,
            lambda err: self.totals.setText(message_for(err)),
            key=f"closing-{id(self)}",
        )

    def _loaded(self, closing: DayClosing) -> None:
        self.closing = closing
        self.model.set_rows(closing.rows)
        parts = [f"{label(m)}: {money(t, currency=True)}"
                 for m, t in closing.by_method]  # fmt: skip
        self.totals.setText(
            "За {0}: платежей {1}, сторно {2}. {3}<br/><b>Всего: {4}</b><br/>"
            "Выдано наличными (возвраты, РКО: {5}): {6}; наличных в кассе: {7}".format(
                date(closing.day), closing.payments, closing.reversals, "; ".join(parts),
                money(closing.total, currency=True), len(closing.refunds),
                money(closing.cash_out, currency=True), money(closing.cash_expected, currency=True),
            )
        )  # fmt: skip
        self.print_button.setEnabled(True)

    def print_closing(self) -> None:
        if self.closing is None:
            return
        closing = self.closing
        PdfPreviewDialog(
            self.ctx, "Закрытие дня {0}".format(date(closing.day)),
            lambda: receipt.day_closing_pdf(closing), f"закрытие-дня-{closing.day}.pdf", self,
        ).open()  # fmt: skip
