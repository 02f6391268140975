"""The results table of the search box: found accounts, shown a page at a time (fetchMore)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from console.services.core.formatting import money
from console.services.lookup.search import SearchRow

Index = QModelIndex | QPersistentModelIndex
PAGE = 50
DEBT_COLOUR = QColor("#b3261e")
ADVANCE_COLOUR = QColor("#1b6e3a")
CLOSED_COLOUR = QColor("#7a7a7a")

#: Role returning the row's :class:`SearchRow`.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchResultsModel(QAbstractTableModel):
    """Holds up to the search cap of rows; hands them to the view in pages of 50."""

    HEADERS = ("Лицевой счёт", "Владелец", "Адрес", "Баланс, ₽", "Статус", "Поставщик")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[SearchRow, ...] = ()
        self._shown = 0

    # --- data in -----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[SearchRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._shown = min(PAGE, len(self._rows))
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def row_at(self, row: int) -> SearchRow | None:
        return self._rows[row] if 0 <= row < self._shown else None

    @property
    def total(self) -> int:
        return len(self._rows)

    # --- lazy loading ------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        more = min(PAGE, len(self._rows) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    # --- the model ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._shown):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and row.balance != 0:
                return QBrush(DEBT_COLOUR if row.balance > 0 else ADVANCE_COLOUR)
            if row.status != "active":
                return QBrush(CLOSED_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and row.balance != 0:
            return "Долг" if row.balance > 0 else "Переплата (аванс)"
        return None

    def _text(self, row: SearchRow, column: int) -> str:
        if column == 0:
            return row.number
        if column == 1:
            return row.holder
        if column == 2:
            return row.address
        if column == 3:
            return money(row.balance)
        if column == 4:
            return row.status_label
        return row.supplier
