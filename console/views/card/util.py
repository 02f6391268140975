"""Small helpers the account card and its tabs share: guarded background loads, table setup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from console.views.common.context import ViewContext
from console.views.common.tasks import message_for

T = TypeVar("T")


def load(
    widget: QWidget,
    ctx: ViewContext,
    fn: Callable[[], T],
    on_done: Callable[[T], None],
    *,
    error_label: QLabel | None = None,
    key: str | None = None,
) -> None:
    """Run ``fn`` off the GUI thread; call back only if ``widget`` still exists (a closed tab)."""

    def done(result: T) -> None:
        if shiboken6.isValid(widget):
            if error_label is not None and shiboken6.isValid(error_label):
                error_label.hide()
            on_done(result)

    def failed(error: Exception) -> None:
        if error_label is not None and shiboken6.isValid(error_label):
            error_label.setText(message_for(error))
            error_label.show()
        elif shiboken6.isValid(widget):
            ctx.tasks.failed.emit(message_for(error))

    ctx.tasks.run(fn, done, failed, key=key)


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
