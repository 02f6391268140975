"""Tab «Статистика»: monthly consumption per zone for a chosen year (QtCharts bar chart)."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.services.account.statistics import Consumption, consumption
from console.services.core.formatting import MONTHS_NOMINATIVE, volume
from console.views.card.util import error_line
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

ZONE_COLOURS = ("#1f5fa8", "#f0a030", "#5a9e4b")
SHORT_MONTHS = tuple(m[:3] for m in MONTHS_NOMINATIVE)


class StatisticsTab(QWidget):
    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("statisticsTab")
        self._loaded = False
        self.year = QComboBox(self)
        self.year.setObjectName("statisticsYear")
        self.year.activated.connect(lambda _i: self._load(self.year.currentData()))
        self.largest = QLabel(self)
        self.largest.setObjectName("largest")
        self.smallest = QLabel(self)
        self.smallest.setObjectName("smallest")
        self.total = QLabel(self)
        self.total.setObjectName("total")
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart, self)
        self.view.setObjectName("consumptionChart")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.error = error_line(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Год:", self))
        top.addWidget(self.year)
        top.addSpacing(24)
        for label in (self.largest, self.smallest, self.total):
            top.addWidget(label)
            top.addSpacing(16)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        self._load(self.year.currentData())

    def _load(self, year: int | None) -> None:
        db, account_id = self.ctx.db, self.account_id
        Operation(self, lambda: consumption(db, account_id, year)).success(self._show).error_label(
            self.error
        ).stale_key(f"card.statistics.{id(self)}").run(self.ctx)

    def _show(self, data: Consumption) -> None:
        self.year.clear()
        for y in data.years or (data.year,):
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(self.year.findData(data.year), 0))
        largest, smallest = data.largest, data.smallest
        name = MONTHS_NOMINATIVE
        none = "—"
        self.largest.setText(
            "Наибольшее: {0} — {1} кВт·ч".format(name[largest.month - 1], volume(largest.total))
            if largest
            else "Наибольшее: {0}".format(none)
        )
        self.smallest.setText(
            "Наименьшее: {0} — {1} кВт·ч".format(name[smallest.month - 1], volume(smallest.total))
            if smallest
            else "Наименьшее: {0}".format(none)
        )
        self.total.setText("Всего за год: {0} кВт·ч".format(volume(data.total)))
        self._draw(data)

    def _draw(self, data: Consumption) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QStackedBarSeries() if len(data.zone_names) > 1 else QBarSeries()
        for zone, zone_name in enumerate(data.zone_names):
            bar = QBarSet(zone_name)
            bar.setColor(QColor(ZONE_COLOURS[zone % len(ZONE_COLOURS)]))
            for month in data.months:
                bar.append(float(month.by_zone[zone]))
            series.append(bar)
        self.chart.addSeries(series)
        self.chart.setTitle("Потребление по месяцам, кВт·ч, {0}".format(data.year))
        months = QBarCategoryAxis()
        months.append(list(SHORT_MONTHS))
        self.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(months)
        values = QValueAxis()
        top = max((float(m.total) for m in data.months), default=0.0)
        values.setRange(0, max(top * 1.15, 10.0))
        values.applyNiceNumbers()
        values.setLabelFormat("%.0f")
        values.setTitleText("кВт·ч")
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
