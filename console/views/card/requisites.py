"""Tab «Реквизиты»: meter, tariff with its history, and the requisites of who is paid."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayoutItem,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.account.card import MeterInfo, meters
from console.services.account.requisites import Requisites, requisites
from console.services.core.formatting import date, rate
from console.views.card.util import error_line
from console.views.common.context import ViewContext
from console.views.common.operations import Operation


def _form(parent: QWidget, title: str, rows: list[tuple[str, str]]) -> QGroupBox:
    box = QGroupBox(title, parent)
    form = QFormLayout(box)
    for name, value in rows:
        label = QLabel(value or "—", box)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(name, label)
    return box


def _clear(item: QLayoutItem | None) -> None:
    """Drop a layout item with whatever widgets or nested layouts it holds."""
    if item is None:
        return
    if item.widget() is not None:
        item.widget().deleteLater()  # type: ignore[union-attr]
    elif item.layout() is not None:
        inner = item.layout()
        while inner.count():  # type: ignore[union-attr]
            _clear(inner.takeAt(0))  # type: ignore[union-attr]


class RequisitesTab(QScrollArea):
    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("requisitesTab")
        self.setWidgetResizable(True)
        self._loaded = False
        self.body = QWidget(self)
        self.layout_ = QVBoxLayout(self.body)
        self.error = error_line(self.body)
        self.layout_.addWidget(self.error)
        self.setWidget(self.body)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        db, account_id = self.ctx.db, self.account_id

        def fetch() -> tuple[tuple[MeterInfo, ...], Requisites]:
            return meters(db, account_id), requisites(db, account_id)

        Operation(self, fetch).success(self._show).error_label(self.error).run(self.ctx)

    def _show(self, data: tuple[tuple[MeterInfo, ...], Requisites]) -> None:
        found_meters, req = data
        while self.layout_.count() > 1:
            _clear(self.layout_.takeAt(1))
        side_by_side = QHBoxLayout()
        self.layout_.addLayout(side_by_side)
        for m in found_meters:
            side_by_side.addWidget(
                _form(self.body, "Счётчик {0}".format(m.serial), [
                    ("Модель", m.model),
                    ("Тип", f"{m.kind_label}, зон: {m.zones}"),
                    ("Разрядность (значность)", str(m.digits)),
                    ("Коэффициент трансформации", rate(m.transformation_ratio)),
                    ("Дата установки", date(m.installed_on)),
                    ("Дата поверки", date(m.last_verified_on)),
                    ("Окончание МПИ", date(m.next_verification_on)),
                    ("Место установки", m.place or ""),
                    ("Состояние", m.status_label),
                ])
            )  # fmt: skip
        current = "; ".join(f"{t.zone_name} {rate(t.rate)} руб./кВт·ч" for t in req.current)
        components = ""
        if req.current and req.current[0].transmission is not None:
            t = req.current[0]
            components = "покупка {0}, передача {1}, сбытовая надбавка {2}, прочие {3}".format(
                rate(t.purchase), rate(t.transmission), rate(t.retail), rate(t.other)
            )
        side_by_side.addWidget(
            _form(self.body, "Тариф", [
                ("Категория потребления", req.category_label),
                ("Тип плиты", req.stove_label),
                ("Тарифных зон", str(req.zones)),
                ("Действующий тариф", current),
                ("Составляющие (зона 1)", components),
            ])
        )  # fmt: skip
        history = QGroupBox("История тарифов", self.body)
        table = QTableWidget(len(req.history), 4, history)
        table.setObjectName("tariffHistory")
        table.setHorizontalHeaderLabels(
            ["Начало действия", "Окончание", "Зона", "Тариф, руб./кВт·ч"]
        )
        table.verticalHeader().setVisible(False)
        for row, line in enumerate(req.history):
            # valid_to is exclusive; people read the last day the tariff applied.
            end = date(line.valid_to - dt.timedelta(days=1)) if line.valid_to else ""
            cells = (date(line.valid_from), end, line.zone_name, rate(line.rate))
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.setMinimumHeight(min(60 + 26 * len(req.history), 260))
        for column, width in enumerate((140, 140, 120)):
            table.setColumnWidth(column, width)
        table.horizontalHeader().setStretchLastSection(True)
        QVBoxLayout(history).addWidget(table)
        self.layout_.addWidget(history)
        for r in req.recipients:
            self.layout_.addWidget(
                _form(self.body, "Получатель платежей: {0}".format(", ".join(r.services)), [
                    ("Наименование", r.name),
                    ("ИНН / КПП", f"{r.inn} / {r.kpp}"),
                    ("Адрес", r.address),
                    ("Телефон", r.phone),
                    ("E-mail, сайт", f"{r.email}, {r.site}"),
                    ("Банк", r.bank_name),
                    ("БИК", r.bic),
                    ("Расчётный счёт", r.settlement_account),
                    ("Корр. счёт", r.correspondent_account),
                ])
            )  # fmt: skip
        self.layout_.addStretch(1)
