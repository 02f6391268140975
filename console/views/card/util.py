"""Small helpers the account card and its tabs share: the error line, table setup, refresh."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget


def error_line(parent: QWidget) -> QLabel:
    """A red line for a failed load, hidden until needed."""
    label = QLabel(parent)
    label.setObjectName("loadError")
    label.setStyleSheet("color: #b3261e;")
    label.setWordWrap(True)
    label.hide()
    return label


def setup_table(table: QTableView, widths: tuple[int, ...] = ()) -> None:
    """Read-only, whole-row selection, fixed row heights (fast on big tables)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    for column, width in enumerate(widths):
        table.horizontalHeader().resizeSection(column, width)
    table.horizontalHeader().setStretchLastSection(True)


def refresh_all(widgets: list[Any]) -> None:
    """Reload the tabs that were shown already; the others load when first shown."""
    for widget in widgets:
        refresh = getattr(widget, "refresh", None)
        if callable(refresh) and shiboken6.isValid(widget) and getattr(widget, "_loaded", True):
            refresh()
