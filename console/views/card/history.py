"""Tab «История»: every event of the account by month (seed 004's «Все события»)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.account.history import MonthEvents, history
from console.services.core.formatting import date, money, month_year
from console.views.card.util import error_line
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
KIND_TITLES = {
    "reading": "Показания",
    "charge": "Начисление",
    "statement": "Квитанция",
    "payment": "Оплата",
    "document": "Документ",
    "refund": "Возврат",
    "appeal": "Обращение",
}


class HistoryTab(QWidget):
    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("historyTab")
        self._loaded = False
        self.span = QComboBox(self)
        self.span.setObjectName("historySpan")
        for text, months in (
            ("За последние 3 месяца", 3),
            ("За 6 месяцев", 6),
            ("За 12 месяцев", 12),
            ("За всё время", 0),
        ):
            self.span.addItem(text, months)
        self.span.activated.connect(lambda _i: self.refresh())
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("historyTree")
        self.tree.setHeaderLabels(["Дата", "Событие", "Сумма, ₽", "Описание"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        for column, width in enumerate((150, 110, 110)):
            self.tree.setColumnWidth(column, width)
        self.error = error_line(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Показать:", self))
        top.addWidget(self.span)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.tree, 1)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        db, account_id = self.ctx.db, self.account_id
        months = int(self.span.currentData() or 0) or None
        Operation(self, lambda: history(db, account_id, months=months)).success(
            self._show
        ).error_label(self.error).stale_key(f"card.history.{id(self)}").run(self.ctx)

    def _show(self, months: tuple[MonthEvents, ...]) -> None:
        self.tree.clear()
        for index, month in enumerate(months):
            top = QTreeWidgetItem([month_year(month.period), "", "", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFirstColumnSpanned(False)
            for event in month.events:
                amount = "" if event.amount is None else money(event.amount)
                kind = KIND_TITLES.get(event.kind, event.kind)
                item = QTreeWidgetItem([date(event.day), kind, amount, event.title])
                item.setTextAlignment(2, RIGHT)
                item.setToolTip(3, event.title)
                for line in filter(None, event.detail.split("; ")):
                    detail = QTreeWidgetItem(["", "", "", line])
                    detail.setForeground(3, QColor("#555555"))
                    item.addChild(detail)
                top.addChild(item)
            self.tree.addTopLevelItem(top)
            top.setExpanded(index < 3)
            if index < 3:
                for child in range(top.childCount()):
                    event_item = top.child(child)
                    if event_item is not None:
                        event_item.setExpanded(True)
        if not months:
            empty = QTreeWidgetItem(["Событий за этот срок нет", "", "", ""])
            self.tree.addTopLevelItem(empty)
