"""A generic read-only Qt table over frozen service rows, described by its columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOUR = QColor("#b00020")
DUE_SOON_COLOUR = QColor("#a05a00")
_Index = QModelIndex | Any  # QPersistentModelIndex is accepted by Qt too


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its title, the text shown, and the value it sorts by."""

    title: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    align_right: bool = False


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of frozen dataclass rows; ``row_at`` gives the row behind an index.

    Subclasses adjust the look through the hooks ``row_brush`` (text colour),
    ``row_background`` and ``cell_tooltip``, and ``numbered_rows`` (the vertical header).
    """

    numbered_rows: ClassVar[bool] = True  # the vertical header shows 1, 2, 3…

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        vertical = orientation == Qt.Orientation.Vertical and self.numbered_rows
        if vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row, col = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_tooltip(row, col)
        if role == SORT_ROLE:
            return col.sort(row) if col.sort is not None else col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.row_brush(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.row_background(row)
        return None

    def cell_tooltip(self, row: R, column: Column[R]) -> str | None:
        """The cell's own text, for columns too narrow to show it whole."""
        return column.text(row)

    def row_brush(self, row: R) -> QBrush | QColor | None:
        """Overdue items in red, those due soon in amber (when the row knows its deadline)."""
        if getattr(row, "overdue", False):
            return QBrush(OVERDUE_COLOUR)
        if getattr(row, "due_soon", False):
            return QBrush(DUE_SOON_COLOUR)
        return None

    def row_background(self, row: R) -> QBrush | QColor | None:
        return None
