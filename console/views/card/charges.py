"""Tab «Начисления и платежи»: seed 000's 8-column table for a chosen month, with formulas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from console.services.account.charges import ChargeRow, ChargesTable, charges_table, periods
from console.services.core.formatting import money, month_year, volume
from console.views.card.table_model import Column, RowsModel
from console.views.card.util import error_line, setup_table
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

ZERO = Decimal("0.00")


def _signed(value: Decimal) -> str:
    return money(value, sign=True)


def total_row(table: ChargesTable, title: str) -> ChargeRow:
    """The «Итого» line: sums of the money columns."""

    def total(name: str) -> Decimal:
        return sum((getattr(r, name) for r in table.rows), ZERO)

    return ChargeRow(
        service=title, unit="", tariff_text="", debt=total("debt"), paid=total("paid"),
        volume=None, charged=total("charged"), recalculation=total("recalculation"),
        due=total("due"), formula="", due_formula="", origin="", zones=(),
        refunded=total("refunded"),
    )  # fmt: skip


class ChargesTab(QWidget):
    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("chargesTab")
        self._loaded = False
        self.period = QComboBox(self)
        self.period.setObjectName("period")
        self.period.setMinimumWidth(160)
        self.period.activated.connect(lambda _i: self._load_table())
        red = "#b3261e"
        self.model = RowsModel(
            [
                Column("Услуга", lambda r: r.service),
                Column("Тариф, руб.", lambda r: r.tariff_text, right=True),
                Column("Долг / переплата (+/−), руб.", lambda r: _signed(r.debt), right=True,
                       colour=lambda r: red if r.debt > 0 else None),
                Column("Оплачено, руб.", lambda r: r.paid_text, right=True),
                Column("Объём потребления",
                       lambda r: "" if r.volume is None else f"{volume(r.volume, 1)} {r.unit}",
                       right=True, tooltip=lambda r: r.origin),
                Column("Начислено, руб.", lambda r: money(r.charged), right=True,
                       tooltip=lambda r: r.formula),
                Column("Перерасчёт, руб.", lambda r: _signed(r.recalculation), right=True),
                Column("К оплате, руб.", lambda r: money(r.due), right=True,
                       tooltip=lambda r: r.due_formula),
            ],
            self,
            bold_last=True,
        )  # fmt: skip
        self.table = QTableView(self)
        self.table.setObjectName("chargesTable")
        self.table.setModel(self.model)
        setup_table(self.table, (250, 90, 200, 120, 150, 130, 130, 120))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._explain())
        self.details = QLabel(self)
        self.details.setObjectName("chargeDetails")
        self.details.setWordWrap(True)
        self.error = error_line(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Расчётный период:", self))
        top.addWidget(self.period)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        db, account_id = self.ctx.db, self.account_id
        Operation(self, lambda: periods(db, account_id)).success(self._show_periods).error_label(
            self.error
        ).run(self.ctx)

    def _show_periods(self, found: tuple[dt.date, ...]) -> None:
        chosen = self.period.currentData()
        self.period.clear()
        for p in found:
            self.period.addItem(month_year(p), p)
        if not found:
            self.model.set_rows(())
            self.details.setText("Начислений и платежей по счёту ещё не было.")
            return
        index = self.period.findData(chosen) if chosen is not None else 0
        self.period.setCurrentIndex(max(index, 0))
        self._load_table()

    def _load_table(self) -> None:
        period = self.period.currentData()
        if period is None:
            return
        db, account_id = self.ctx.db, self.account_id
        Operation(self, lambda: charges_table(db, account_id, period)).success(
            self._show_table
        ).error_label(self.error).stale_key(f"card.charges.{id(self)}").run(self.ctx)

    def _show_table(self, table: ChargesTable) -> None:
        rows = list(table.rows)
        if rows:
            rows.append(total_row(table, "Итого"))
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self._explain()

    def _explain(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        if row is None or not row.formula:
            self.details.setText("К оплате = долг/переплата − оплачено + начислено + перерасчёт.")
            return
        lines = [
            "<b>{0}</b>".format(escape(row.service)),
            "Начислено = объём × тариф: {0}".format(escape(row.formula)),
            "К оплате = долг − оплачено + начислено + перерасчёт: {0}".format(
                escape(row.due_formula)
            ),
        ]
        if row.origin:
            lines.append("Объём определён {0}".format(escape(row.origin)))
        self.details.setText("<br>".join(lines))
