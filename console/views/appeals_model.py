"""Qt table models over frozen service rows: appeal lists and the appeal's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from console.services.appeal_queries import AppealRow, HistoryEntry
from console.services.formatting import date, date_time

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOUR = QColor("#b00020")
DUE_SOON_COLOUR = QColor("#a05a00")
_Index = QModelIndex | Any  # QPersistentModelIndex is accepted by Qt too


def tr(text: str) -> str:
    return QCoreApplication.translate("AppealModels", text)


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its title, the text shown, and the value it sorts by."""

    title: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    align_right: bool = False


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of frozen dataclass rows; ``row_at`` gives the row behind an index."""

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
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row, col = self._rows[index.row()], self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return col.text(row)
        if role == SORT_ROLE:
            return col.sort(row) if col.sort is not None else col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.row_brush(row)
        return None

    def row_brush(self, row: R) -> QBrush | None:
        """Overdue items in red, those due soon in amber (when the row knows its deadline)."""
        if getattr(row, "overdue", False):
            return QBrush(OVERDUE_COLOUR)
        if getattr(row, "due_soon", False):
            return QBrush(DUE_SOON_COLOUR)
        return None


def _stamp(value: dt.datetime) -> str:
    return value.isoformat()


def _due(row: AppealRow) -> str:
    suffix = tr(" (просрочено)") if row.overdue else ""
    return date(row.due_on) + suffix


def appeal_columns() -> list[Column[AppealRow]]:
    return [
        Column(tr("Номер"), lambda r: r.number),
        Column(tr("Дата"), lambda r: date_time(r.registered_at), lambda r: _stamp(r.registered_at)),
        Column(tr("Вид"), lambda r: r.kind_label),
        Column(tr("Тема"), lambda r: r.topic_name),
        Column(tr("Заявитель"), lambda r: r.applicant_name),
        Column(tr("Статус"), lambda r: r.status_label),
        Column(tr("Срок ответа"), _due, lambda r: r.due_on.isoformat()),
        Column(tr("Исполнитель"), lambda r: r.assigned_to_name),
    ]


class AppealListModel(RowsModel[AppealRow]):
    """The account's appeals (the card's «Обращения» tab)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(appeal_columns(), parent)


class HistoryModel(RowsModel[HistoryEntry]):
    """Who did what and when, comments included."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    tr("Когда"), lambda h: date_time(h.occurred_at), lambda h: _stamp(h.occurred_at)
                ),
                Column(tr("Сотрудник"), lambda h: h.staff_name),
                Column(tr("Действие"), lambda h: h.label),
                Column(tr("Подробности"), lambda h: h.detail),
            ],
            parent,
        )
