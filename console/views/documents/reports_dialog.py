"""Reports of an account (or the office's day of payments): a table, printable, exportable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.documents import report_export, reports
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.documents.report_model import ReportTableModel

#: (title, key) of the account reports, as in the seeds' «Отчёты».
ACCOUNT_REPORTS = (
    ("История платежей", "payments"),
    ("История начислений", "charges"),
    ("Показания приборов учёта", "readings"),
)
OFFICE_REPORTS = (("Платежи за день по сотрудникам", "office_day"),)
OnPreview = Callable[[bytes, str, str], object]


class ReportsDialog(QDialog):
    """Pick a report and a period, «Сформировать» (Enter), then print or export it."""

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int | None = None,
        account_number: str = "",
        on_preview: OnPreview | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.on_preview = on_preview
        title = "Отчёты — лицевой счёт {0}".format(account_number)
        self.setWindowTitle(title if account_id is not None else "Отчёты офиса")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.kind = QComboBox(self)
        for name, key in ACCOUNT_REPORTS if account_id is not None else OFFICE_REPORTS:
            self.kind.addItem(name, key)
        top.addWidget(self.kind, 2)
        today = QDate.currentDate()
        self.start = self._date_edit(today.addMonths(-6))
        self.end = self._date_edit(today)
        self.from_label = QLabel("с", self)
        self.to_label = QLabel("по", self)
        for widget in (self.from_label, self.start, self.to_label, self.end):
            top.addWidget(widget)
        self.last_six = QCheckBox("последние 6 месяцев", self)
        self.last_six.setChecked(True)
        top.addWidget(self.last_six)
        self.meter_kind = QComboBox(self)
        self.meter_kind.addItem("Индивидуальный", "individual")
        self.meter_kind.addItem("Общедомовой", "common_house")
        top.addWidget(self.meter_kind)
        self.run_button = QPushButton("Сформировать", self)
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.generate)
        top.addWidget(self.run_button)
        layout.addLayout(top)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.subtitle = QLabel("", self)
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)
        self.model = ReportTableModel()
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table, 1)
        self.notes = QLabel("", self)
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        bottom = QHBoxLayout()
        self.status = QLabel("", self)
        bottom.addWidget(self.status, 1)
        self.pdf_button = QPushButton("Печать (PDF)", self)
        self.csv_button = QPushButton("Экспорт CSV", self)
        self.xlsx_button = QPushButton("Экспорт XLSX", self)
        self.pdf_button.clicked.connect(self.print_report)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        for button in (self.pdf_button, self.csv_button, self.xlsx_button):
            button.setEnabled(False)
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.last_six.toggled.connect(self._kind_changed)
        self._kind_changed()
        self.resize(1000, 600)

    def _date_edit(self, value: QDate) -> QDateEdit:
        edit = QDateEdit(value, self)
        edit.setDisplayFormat("dd.MM.yyyy")
        edit.setCalendarPopup(True)
        return edit

    def _kind_changed(self) -> None:
        key = self.kind.currentData()
        self.last_six.setVisible(key == "charges")
        self.meter_kind.setVisible(key == "readings")
        custom_months = key == "charges" and not self.last_six.isChecked()
        ranged = key in ("payments", "readings") or custom_months
        for widget in (self.from_label, self.start, self.to_label):
            widget.setVisible(ranged)
        self.end.setVisible(ranged or key == "office_day")

    def _job(self) -> Callable[[], reports.Report[Any]]:
        db, actor, account_id = self.ctx.db, self.ctx.actor, self.account_id or 0
        start: dt.date = self.start.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.end.date().toPython()  # type: ignore[assignment]
        key = self.kind.currentData()
        if key == "payments":
            return lambda: reports.payment_history(db, account_id, start, end)
        if key == "charges":
            if self.last_six.isChecked():
                return lambda: reports.charge_history(db, account_id)
            first, last = start.replace(day=1), end.replace(day=1)
            return lambda: reports.charge_history(db, account_id, first, last)
        if key == "readings":
            kind = str(self.meter_kind.currentData())
            return lambda: reports.readings_history(db, account_id, kind, start, end)
        return lambda: reports.office_day_payments(db, actor, end)

    def generate(self) -> None:
        self.error.hide()
        self.status.setText("Формирование…")
        self.run_button.setEnabled(False)
        run_op(self.ctx, self, self._job(), self._show, self._failed, key=f"report-{id(self)}")

    def _show(self, report: reports.Report[Any]) -> None:
        self.run_button.setEnabled(True)
        self.model.set_report(report)
        self.table.resizeColumnsToContents()
        self.subtitle.setText(f"<b>{report.title}</b><br>{report.subtitle}")
        self.notes.setText("\n".join(report.notes))
        count = len(report.rows)
        self.status.setText("Строк: {0}".format(count) if count else "Нет данных")
        for button in (self.pdf_button, self.csv_button, self.xlsx_button):
            button.setEnabled(True)

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.status.setText("")
        self.error.setText(message_for(error))
        self.error.show()

    def print_report(self) -> None:
        report = self.model.report
        if report is None:
            return
        footer = f"{self.ctx.actor.office_name}, {self.ctx.actor.full_name}".strip(", ")
        run_op(
            self.ctx,
            self,
            lambda: report_export.to_pdf(report, footer=footer),
            lambda pdf: self._preview(pdf, report),
            self._failed,
            render=True,
        )

    def _preview(self, pdf: bytes, report: reports.Report[Any]) -> None:
        if self.on_preview is not None:
            self.on_preview(pdf, f"{report.file_stem}.pdf", report.title)

    def export(self, fmt: str) -> None:
        report = self.model.report
        if report is None:
            return
        names = {"csv": "Таблица CSV (*.csv)", "xlsx": "Книга Excel (*.xlsx)"}
        path, _ = QFileDialog.getSaveFileName(
            self, "Экспорт отчёта", f"{report.file_stem}.{fmt}", names[fmt]
        )
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the shown report to ``path`` off the GUI thread."""
        report = self.model.report
        if report is None:
            return
        convert = report_export.to_csv if fmt == "csv" else report_export.to_xlsx

        def job() -> Path:
            path.write_bytes(convert(report))
            return path

        run_op(
            self.ctx,
            self,
            job,
            lambda done: self.status.setText("Сохранено: {0}".format(done.name)),
            self._failed,
            render=True,
        )
