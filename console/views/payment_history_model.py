"""Rows of an account's payment history for the reversal window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from console.services.formatting import date_time, money
from console.services.payment_history import PaymentRow
from console.services.payments import METHOD_LABELS

_Index = QModelIndex | QPersistentModelIndex


class PaymentHistoryModel(QAbstractTableModel):
    """Дата · Сумма · Способ · Квитанция · Кассир · Отметка (сторно)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[PaymentRow, ...] = ()
        self._headers = (
            self.tr("Дата"), self.tr("Сумма"), self.tr("Способ"), self.tr("Квитанция"),
            self.tr("Кассир"), self.tr("Отметка"),
        )  # fmt: skip

    def set_rows(self, rows: tuple[PaymentRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> PaymentRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def _note(self, row: PaymentRow) -> str:
        if row.reversal_of_id is not None:
            return self.tr("Сторно: {0}").format(row.reason or "")
        if row.reversed_by_id is not None:
            return self.tr("Сторнирован")
        return row.payer or ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                date_time(row.paid_at), money(row.amount, currency=True),
                METHOD_LABELS[row.method], row.receipt_number or row.source or "",
                row.clerk, self._note(row),
            )[col] if 0 <= col < len(self._headers) else None  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not row.can_reverse:
            return QColor("#777777")
        return None
