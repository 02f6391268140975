"""Qt table models of the supervisor's workspace: queue items and summary rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from console.services.core.formatting import date, date_time
from console.services.supervision.queues import TOTAL, QueueItem, SummaryRow
from console.views.common.rows_model import Column, RowsModel


def _due(item: QueueItem) -> str:
    return date(item.due_on) + (" (просрочено)" if item.overdue else "")


class QueueItemsModel(RowsModel[QueueItem]):
    """The items of one queue; overdue ones red, those due soon amber."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column("Номер", lambda i: i.number),
                Column(
                    "Поступило",
                    lambda i: date_time(i.registered_at),
                    lambda i: i.registered_at.isoformat(),
                ),
                Column("Срок", _due, lambda i: i.due_on.isoformat()),
                Column("Заявитель", lambda i: i.applicant),
                Column("Лицевой счёт", lambda i: i.account_number),
                Column("Суть", lambda i: i.subject),
                Column("Статус", lambda i: i.status_label),
                Column("Исполнитель", lambda i: i.assigned_to_name),
                Column("Офис", lambda i: i.office_name),
            ],
            parent,
        )


def _count(value: int) -> str:
    return str(value)


class SummaryModel(RowsModel[SummaryRow]):
    """Received, closed in time, overdue and in work, one line per office or topic."""

    def __init__(self, first_column: str, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(first_column, lambda r: r.name),
                Column("Поступило", lambda r: _count(r.received), lambda r: r.received, True),
                Column(
                    "Закрыто в срок",
                    lambda r: _count(r.closed_in_time),
                    lambda r: r.closed_in_time,
                    True,
                ),
                Column("Просрочено", lambda r: _count(r.overdue), lambda r: r.overdue, True),
                Column("В работе", lambda r: _count(r.in_work), lambda r: r.in_work, True),
            ],
            parent,
        )

    def row_brush(self, row: SummaryRow) -> QBrush | None:
        return None  # counts are not deadlines: no row is «overdue» as a whole

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and row.name == TOTAL:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)
