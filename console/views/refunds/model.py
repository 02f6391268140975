"""Refund applications in a table, overdue and nearly due ones highlighted."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from console.services.core.formatting import date, money
from console.services.refunds.queries import RefundSummary
from console.services.vocabulary.labels import label
from console.views.common.rows_model import Column, RowsModel

OVERDUE = QColor("#f8d7da")
DUE_SOON = QColor("#fff3cd")


def deadline_text(r: RefundSummary) -> str:
    when = date(r.due_on)
    if r.deadline == "overdue":
        return "{0} — просрочено на {1} дн.".format(when, -r.days_left)
    if r.deadline == "due_soon":
        return "{0} — осталось {1} дн.".format(when, r.days_left)
    return when


def refund_columns(*, show_account: bool = False) -> list[Column[RefundSummary]]:
    columns: list[Column[RefundSummary]] = [
        Column("№ заявления", lambda r: r.number),
        Column("Зарегистрировано", lambda r: date(r.registered_at.astimezone().date())),
        Column("Заявитель", lambda r: r.applicant),
        Column("Сумма", lambda r: money(r.amount, currency=True), align_right=True),
        Column("Причина", lambda r: label(r.reason)),
        Column("Статус", lambda r: label(r.status)),
        Column("Срок", deadline_text),
    ]
    if show_account:
        columns.insert(2, Column("Лицевой счёт", lambda r: r.account_number))
    return columns


class RefundsModel(RowsModel[RefundSummary]):
    """№ · Зарегистрировано · [Лицевой счёт] · Заявитель · Сумма · Причина · Статус · Срок."""

    numbered_rows = False

    def __init__(self, parent: QObject | None = None, *, show_account: bool = False) -> None:
        super().__init__(refund_columns(show_account=show_account), parent)

    def deadline_text(self, r: RefundSummary) -> str:
        return deadline_text(r)

    def cell_tooltip(self, row: RefundSummary, column: Column[RefundSummary]) -> str | None:
        if row.deadline in ("overdue", "due_soon"):
            return "Срок рассмотрения и возврата по заявлению"
        return None

    def row_background(self, row: RefundSummary) -> QColor | None:
        return {"overdue": OVERDUE, "due_soon": DUE_SOON}.get(row.deadline)
