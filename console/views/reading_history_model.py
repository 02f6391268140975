"""Qt item model of a meter's reading history (rows from console.services.readings)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from console.services.formatting import date, date_time, month_year
from console.services.reading_checks import plain
from console.services.readings import HistoryRow

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "Дата снятия", "Счётчик", "Зона", "Показание", "Расход, кВт·ч", "Статус", "Причина",
    "Источник", "Принял", "Подтвердил", "Дата ввода", "Период",
)  # fmt: skip
STATUS_COLOURS = {"rejected": "#b00020", "superseded": "#777777"}
NUMERIC = {3, 4}


class ReadingHistoryModel(QAbstractTableModel):
    """Newest first; a rejected reading is red, a superseded one grey."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[HistoryRow, ...] = ()

    def set_rows(self, rows: tuple[HistoryRow, ...]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> HistoryRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.status.value in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row.status.value]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and row.reason:
            return row.reason
        return None

    def _text(self, row: HistoryRow, column: int) -> str:
        values = (
            date(row.taken_on), row.serial, row.zone_label, plain(row.value),
            plain(row.consumption) if row.consumption is not None else "",
            self.tr(row.status_label) + (self.tr(" (переход через ноль)") if row.is_rollover
                                         else ""),
            row.reason or "", self.tr(row.source_label), row.staff_name, row.approved_by,
            date_time(row.entered_at), month_year(row.period),
        )  # fmt: skip
        return values[column]
