"""Rows of an account's payment history for the reversal window."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from console.services.core.formatting import date_time, money
from console.services.payments.history import PaymentRow
from console.services.vocabulary.labels import label, payment_source
from console.views.common.rows_model import Column, RowsModel

INACTIVE = QColor("#777777")  # reversals and reversed payments: nothing more to do with them
WAITING = QColor("#b00020")  # a cheque the ККТ has not registered yet


def _cheque(row: PaymentRow) -> str:
    if row.cheque is None:
        return ""
    return label(row.cheque) if row.cheque_waiting else "пробит"


def _note(row: PaymentRow) -> str:
    if row.reversal_of_id is not None:
        return "Сторно: {0}".format(row.reason or "")
    if row.reversed_by_id is not None:
        return "Сторнирован"
    return row.payer or ""


class PaymentHistoryModel(RowsModel[PaymentRow]):
    """Дата · Сумма · Способ · Квитанция · Кассир · Отметка (сторно) · Чек ККТ."""

    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column("Дата", lambda r: date_time(r.paid_at)),
                Column("Сумма", lambda r: money(r.amount, currency=True), align_right=True),
                Column("Способ", lambda r: label(r.method)),
                Column("Квитанция", lambda r: r.receipt_number or payment_source(r.source)),
                Column("Кассир", lambda r: r.clerk),
                Column("Отметка", _note),
                Column("Чек ККТ", _cheque),
            ],
            parent,
        )

    def cell_tooltip(self, row: PaymentRow, column: Column[PaymentRow]) -> str | None:
        return None

    def row_brush(self, row: PaymentRow) -> QColor | None:
        if row.cheque_waiting:
            return WAITING
        return None if row.can_reverse else INACTIVE
