"""A Qt table model over a service Report: typed rows shown with the report's own formatting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from console.services.documents.report_export import NUMERIC, cell_text
from console.services.documents.reports import Report

Index = QModelIndex | QPersistentModelIndex


class ReportTableModel(QAbstractTableModel):
    """Rows of a report plus, when it has totals, an «Итого» row at the end."""

    def __init__(self, report: Report[Any] | None = None) -> None:
        super().__init__()
        self._report: Report[Any] | None = report
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def report(self) -> Report[Any] | None:
        return self._report

    def set_report(self, report: Report[Any] | None) -> None:
        self.beginResetModel()
        self._report = report
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.rows) + (1 if self._report.totals else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.columns)

    def _is_total(self, row: int) -> bool:
        return self._report is not None and row == len(self._report.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        report = self._report
        if report is None or not index.isValid():
            return None
        column = report.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if self._is_total(index.row()):
                value = report.totals.get(column.attr)
                if index.column() == 0 and value is None:
                    return "Итого"
                return cell_text(column, value)
            return cell_text(column, getattr(report.rows[index.row()], column.attr))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if column.kind in NUMERIC
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._is_total(index.row()):
            return self._bold
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self._report is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._report.columns):
                return self._report.columns[section].title
            return None
        return str(section + 1)
