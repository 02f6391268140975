"""Tab «Показания»: the account's meters and the reading history of the chosen one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from console.services.account.card import MeterInfo, meters
from console.services.account.readings import ReadingRow, reading_history
from console.services.core.formatting import date, date_time, month_year, rate, volume
from console.views.card.table_model import Column, RowsModel
from console.views.card.util import error_line, setup_table
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

STATUS_COLOUR = {"rejected": "#b3261e", "superseded": "#7a7a7a"}


def _verification(m: MeterInfo) -> str:
    return date(m.next_verification_on) if m.next_verification_on else "—"


def _last(m: MeterInfo) -> str:
    return "; ".join(
        f"{z.zone_name} {volume(z.last_reading)} ({date(z.last_taken_on)})"
        for z in m.readings
        if z.last_reading is not None
    )


class ReadingsTab(QWidget):
    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("readingsTab")
        self._loaded = False
        self.meters_model = RowsModel(
            [
                Column("№ счётчика", lambda m: m.serial),
                Column("Модель", lambda m: m.model),
                Column("Тип", lambda m: m.kind_label),
                Column("Зон", lambda m: str(m.zones), right=True),
                Column("Разрядность", lambda m: str(m.digits), right=True),
                Column("Коэф. тр.", lambda m: rate(m.transformation_ratio), right=True),
                Column("Установлен", lambda m: date(m.installed_on)),
                Column("Поверка", lambda m: date(m.last_verified_on)),
                Column("Следующая поверка", _verification),
                Column("Место", lambda m: m.place or ""),
                Column("Состояние", lambda m: m.status_label),
                Column("Последние показания", _last),
            ],
            self,
        )
        self.meters = QTableView(self)
        self.meters.setObjectName("metersTable")
        self.meters.setModel(self.meters_model)
        setup_table(self.meters, (100, 110, 115, 40, 95, 75, 90, 90, 140, 130, 90))
        self.meters.selectionModel().currentRowChanged.connect(lambda _c, _p: self._filter())
        self.readings_model = RowsModel(
            [
                Column("Дата снятия", lambda r: date(r.taken_on)),
                Column("Счётчик", lambda r: r.serial),
                Column("Зона", lambda r: r.zone_name),
                Column("Показание", lambda r: volume(r.value), right=True),
                Column("Расход, кВт·ч",
                       lambda r: "" if r.consumption is None else volume(r.consumption),
                       right=True),
                Column("Учтено в периоде", lambda r: month_year(r.period)),
                Column("Источник", lambda r: r.source_label),
                Column("Статус", lambda r: r.status_label,
                       colour=lambda r: STATUS_COLOUR.get(r.status),
                       tooltip=lambda r: r.reason or ""),
                Column("Внёс", lambda r: r.entered_by),
                Column("Введено", lambda r: date_time(r.entered_at)),
            ],
            self,
        )  # fmt: skip
        self.readings = QTableView(self)
        self.readings.setObjectName("readingsTable")
        self.readings.setModel(self.readings_model)
        setup_table(self.readings, (95, 100, 120, 95, 100, 120, 130, 90, 190))
        self.error = error_line(self)
        self._all: tuple[ReadingRow, ...] = ()

        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("Приборы учёта", top))
        top_layout.addWidget(self.meters)
        bottom = QWidget(split)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.history_title = QLabel("История показаний", bottom)
        bottom_layout.addWidget(self.history_title)
        bottom_layout.addWidget(self.readings)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        db, account_id = self.ctx.db, self.account_id

        def fetch() -> tuple[tuple[MeterInfo, ...], tuple[ReadingRow, ...]]:
            return meters(db, account_id), reading_history(db, account_id)

        Operation(self, fetch).success(self._show).error_label(self.error).run(self.ctx)

    def _show(self, data: tuple[tuple[MeterInfo, ...], tuple[ReadingRow, ...]]) -> None:
        found, readings = data
        self._all = readings
        self.meters_model.set_rows(found)
        if found:
            self.meters.selectRow(0)
        self._filter()

    def _filter(self) -> None:
        meter = self.meters_model.row_at(self.meters.currentIndex().row())
        rows = [r for r in self._all if meter is None or r.meter_id == meter.meter_id]
        self.readings_model.set_rows(rows)
        if meter is not None:
            title = "История показаний счётчика {0}".format(meter.serial)
            self.history_title.setText(title)
