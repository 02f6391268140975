"""Refund applications in a table, overdue and nearly due ones highlighted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from console.services.formatting import date, money
from console.services.refund_queries import REASON_LABELS, STATUS_LABELS, RefundSummary

_Index = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#f8d7da")
DUE_SOON = QColor("#fff3cd")


class RefundsModel(QAbstractTableModel):
    """№ · Зарегистрировано · [Лицевой счёт] · Заявитель · Сумма · Причина · Статус · Срок."""

    def __init__(self, parent: QObject | None = None, *, show_account: bool = False) -> None:
        super().__init__(parent)
        self.rows: tuple[RefundSummary, ...] = ()
        self._columns = ["number", "registered", "applicant", "amount", "reason", "status", "due"]
        if show_account:
            self._columns.insert(2, "account")
        titles = {
            "number": self.tr("№ заявления"), "registered": self.tr("Зарегистрировано"),
            "account": self.tr("Лицевой счёт"), "applicant": self.tr("Заявитель"),
            "amount": self.tr("Сумма"), "reason": self.tr("Причина"),
            "status": self.tr("Статус"), "due": self.tr("Срок"),
        }  # fmt: skip
        self._headers = [titles[c] for c in self._columns]

    def set_rows(self, rows: tuple[RefundSummary, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> RefundSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def deadline_text(self, r: RefundSummary) -> str:
        when = date(r.due_on)
        if r.deadline == "overdue":
            return self.tr("{0} — просрочено на {1} дн.").format(when, -r.days_left)
        if r.deadline == "due_soon":
            return self.tr("{0} — осталось {1} дн.").format(when, r.days_left)
        return when

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index.row()) if index.isValid() else None
        if r is None or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "number": r.number, "registered": date(r.registered_at.astimezone().date()),
                "account": r.account_number, "applicant": r.applicant,
                "amount": money(r.amount, currency=True), "reason": REASON_LABELS[r.reason],
                "status": STATUS_LABELS[r.status], "due": self.deadline_text(r),
            }[column]  # fmt: skip
        if role == Qt.ItemDataRole.BackgroundRole:
            return {"overdue": OVERDUE, "due_soon": DUE_SOON}.get(r.deadline)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "amount":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and r.deadline in ("overdue", "due_soon"):
            return self.tr("Срок рассмотрения и возврата по заявлению")
        return None
