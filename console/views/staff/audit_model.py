"""Qt table model of the audit trail: pages arrive as the supervisor scrolls (fetchMore)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.services.core.formatting import date_time
from console.services.staff.audit_trail import AuditRow

Index = QModelIndex | QPersistentModelIndex


COLUMNS: list[tuple[str, Callable[[AuditRow], str]]] = [
    ("Дата и время", lambda r: date_time(r.occurred_at)),
    ("Сотрудник", lambda r: r.staff),
    ("Офис", lambda r: r.office),
    ("Рабочее место", lambda r: r.workstation),
    ("Действие", lambda r: r.action_label),
    ("Объект", lambda r: f"{r.entity_label} {r.entity_id}".strip()),
    ("Лицевой счёт", lambda r: r.account_number),
    ("Изменения", lambda r: r.changes),
]


class AuditTableModel(QAbstractTableModel):
    """Rows newest first. ``fetch_requested(before_id)`` asks the view for the next page."""

    fetch_requested = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self.exhausted = True
        self.loading = False

    # --- filling ----------------------------------------------------------------------
    def reset(self, rows: Sequence[AuditRow], exhausted: bool) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.exhausted = exhausted
        self.loading = False
        self.endResetModel()

    def append(self, rows: Sequence[AuditRow], exhausted: bool) -> None:
        self.loading = False
        self.exhausted = exhausted
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def fetch_failed(self) -> None:
        """A page did not come: let the next scroll ask again."""
        self.loading = False

    # --- Qt interface -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[index.column()][1](row) or None  # cut-off text in full
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self.exhausted and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self.loading = True
        self.fetch_requested.emit(self.rows[-1].id if self.rows else None)
