"""The summary per office and period: tables, a bar chart by topic, and a printout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import (
    QBuffer,
    QCoreApplication,
    QDate,
    QIODevice,
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPageSize,
    QPainter,
    QPdfWriter,
    QShortcut,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import date
from console.services.supervision import queues
from console.services.supervision.queues import Choice, FilterChoices, Summary, SummaryRow
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.rows_model import SORT_ROLE
from console.views.common.tasks import message_for
from console.views.printing.printer import load_pdf, print_document, print_pdf
from console.views.supervision.model import SummaryModel

SERIES = (("Поступило", "#3465a4"), ("Закрыто в срок", "#4e9a06"), ("Просрочено", "#cc0000"))


def fill_choices(
    combo: QComboBox, everything: str, choices: Sequence[Choice], current: int | None = None
) -> None:
    """«Все …» first, then the choices; keeps signals quiet while filling."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for choice in choices:
        combo.addItem(choice.name, choice.id)
    if current is not None and combo.findData(current) >= 0:
        combo.setCurrentIndex(combo.findData(current))
    combo.blockSignals(False)


def _table(parent: QWidget, model: SummaryModel) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView(parent)
    view.setModel(proxy)
    # No sorting: offices come alphabetically and «Итого» must stay the last line.
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = view.verticalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header.hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


class SummaryPage(QWidget):
    """Appeals received in a period: per office, per topic, as a table and a chart."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Summary | None = None
        self.office = QComboBox(self)
        self.office.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        today = dt.date.today()
        self.date_from = QDateEdit(QDate(today.year, today.month, 1), self)
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day), self)
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setCalendarPopup(True)
        build = QPushButton("Построить", self)
        build.clicked.connect(self.refresh)
        self.print_button = QPushButton("Печать (Ctrl+P)", self)
        self.print_button.clicked.connect(self.ask_and_print)
        QShortcut(QKeySequence("Ctrl+P"), self, self.ask_and_print)
        bar = QHBoxLayout()
        for widget in (
            QLabel("Офис:", self),
            self.office,
            QLabel("Период с", self),
            self.date_from,
            QLabel("по", self),
            self.date_to,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(build)
        bar.addWidget(self.print_button)

        self.offices_model = SummaryModel("Офис", self)
        self.topics_model = SummaryModel("Тема", self)
        self.offices_view = _table(self, self.offices_model)
        self.topics_view = _table(self, self.topics_model)
        self.chart = QChart()
        self.chart.setTitle("Обращения по темам")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        self.status = QLabel("", self)
        self.status.setObjectName("summaryStatus")

        tables = QSplitter(Qt.Orientation.Vertical, self)
        tables.addWidget(self.offices_view)
        tables.addWidget(self.topics_view)
        split = QSplitter(self)
        split.addWidget(tables)
        split.addWidget(self.chart_view)
        split.setSizes([700, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def set_choices(self, choices: FilterChoices) -> None:
        fill_choices(self.office, "Все офисы", choices.offices)
        self.refresh()

    def period(self) -> tuple[dt.date, dt.date]:
        f, t = self.date_from.date(), self.date_to.date()
        return dt.date(f.year(), f.month(), f.day()), dt.date(t.year(), t.month(), t.day())

    def refresh(self) -> None:
        start, end = self.period()
        if end < start:
            self.status.setText("Начало периода позже его конца: исправьте даты.")
            return
        db, actor, office = self.ctx.db, self.ctx.actor, self.office.currentData()
        run_op(
            self.ctx,
            self,
            lambda: queues.summary(db, actor, start, end, office_id=office),
            self._loaded,
            lambda err: self.status.setText(message_for(err)),
            key=f"summary-{id(self)}",
        )

    def _loaded(self, data: Summary) -> None:
        self.data = data
        self.offices_model.set_rows([*data.by_office, data.total])
        self.topics_model.set_rows([r for r in data.by_topic if r.received] or data.by_topic)
        for view in (self.offices_view, self.topics_view):
            view.resizeColumnsToContents()
        self._draw_chart([r for r in data.by_topic if r.received])
        self.status.setText(
            "Период {0} — {1}: поступило {2}, закрыто в срок {3}, просрочено {4}.".format(
                date(data.date_from),
                date(data.date_to),
                data.total.received,
                data.total.closed_in_time,
                data.total.overdue,
            )
        )

    def _draw_chart(self, rows: Sequence[SummaryRow]) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QBarSeries()
        values = [(r.received, r.closed_in_time, r.overdue) for r in rows]
        for index, (title, colour) in enumerate(SERIES):
            bar_set = QBarSet(title)
            bar_set.setColor(QColor(colour))
            for v in values:
                bar_set.append(v[index])
            series.append(bar_set)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([r.name for r in rows])
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        top = max((v[0] for v in values), default=0)
        counts = QValueAxis()
        counts.setRange(0, max(top, 1))
        counts.setLabelFormat("%d")
        counts.setTickCount(min(max(top, 1), 5) + 1)
        self.chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(counts)

    # --- printing -----------------------------------------------------------------------
    def document(self) -> QTextDocument:
        """The printable summary: header, both tables, the chart as a picture."""
        doc = QTextDocument(self)
        data = self.data
        if data is None:
            return doc
        QCoreApplication.sendPostedEvents()  # let the chart lay out its new axes first
        image = self.chart_view.grab().toImage()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart.png"), image)
        office = data.office_name or "все офисы"
        head = "Сводка по обращениям за {0} — {1} ({2})".format(
            date(data.date_from), date(data.date_to), office
        )
        html = [f"<h2>{escape(head)}</h2>"]
        html.append(self._html_table("Офис", [*data.by_office, data.total]))
        html.append("<br/>")
        html.append(self._html_table("Тема", data.by_topic))
        scale = min(600 / max(image.width(), 1), 340 / max(image.height(), 1), 1.0)
        w, h = int(image.width() * scale), int(image.height() * scale)
        html.append(f'<p align="center"><img src="chart.png" width="{w}" height="{h}"/></p>')
        doc.setHtml("".join(html))
        return doc

    def _html_table(self, first: str, rows: Sequence[SummaryRow]) -> str:
        heads = [first] + [t for t in ("Поступило", "Закрыто в срок", "Просрочено", "В работе")]
        out = ['<table border="1" cellspacing="0" cellpadding="3" width="100%"><tr>']
        out += [f"<th>{escape(h)}</th>" for h in heads]
        out.append("</tr>")
        for r in rows:
            cells = [escape(r.name)] + [
                str(v) for v in (r.received, r.closed_in_time, r.overdue, r.in_work)
            ]
            out.append(f"<tr><td>{cells[0]}</td>")
            out.append("".join(f'<td align="right">{c}</td>' for c in cells[1:]) + "</tr>")
        out.append("</table>")
        return "".join(out)

    def pdf(self) -> bytes:
        """The printable summary as an A4 PDF: what every printer receives."""
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(300)
        writer.setTitle("Сводка по обращениям")
        self.document().print_(writer)
        del writer  # finishes the file
        return bytes(buffer.data().data())

    def print_to(self, printer: QPrinter) -> int:
        """The summary on ``printer`` as chosen (a PDF file gets the PDF as it is)."""
        pdf = self.pdf()
        document, buffer = load_pdf(pdf)
        try:
            return print_document(document, printer, pdf)
        finally:
            document.close()
            buffer.close()

    def ask_and_print(self) -> None:
        if self.data is None:
            return
        print_pdf(self, self.pdf(), self.ctx.settings, "Сводка по обращениям")
