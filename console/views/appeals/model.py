"""Qt table models over frozen service rows: appeal lists and the appeal's history."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject

from console.services.appeals.queries import AppealRow, HistoryEntry
from console.services.core.formatting import date, date_time
from console.views.common.rows_model import Column, RowsModel

__all__ = ["AppealListModel", "Column", "HistoryModel", "RowsModel", "appeal_columns"]


def _stamp(value: dt.datetime) -> str:
    return value.isoformat()


def _due(row: AppealRow) -> str:
    suffix = " (просрочено)" if row.overdue else ""
    return date(row.due_on) + suffix


def appeal_columns() -> list[Column[AppealRow]]:
    return [
        Column("Номер", lambda r: r.number),
        Column("Дата", lambda r: date_time(r.registered_at), lambda r: _stamp(r.registered_at)),
        Column("Вид", lambda r: r.kind_label),
        Column("Тема", lambda r: r.topic_name),
        Column("Заявитель", lambda r: r.applicant_name),
        Column("Статус", lambda r: r.status_label),
        Column("Срок ответа", _due, lambda r: r.due_on.isoformat()),
        Column("Исполнитель", lambda r: r.assigned_to_name),
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
                    "Когда", lambda h: date_time(h.occurred_at), lambda h: _stamp(h.occurred_at)
                ),
                Column("Сотрудник", lambda h: h.staff_name),
                Column("Действие", lambda h: h.label),
                Column("Подробности", lambda h: h.detail),
            ],
            parent,
        )
