"""The main window shows where it works and who works in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from console.views.common.context import ViewContext
from console.views.main_window import MainWindow


def test_status_bar_names_database_office_and_staff(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(view_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    database = window.findChild(QLabel, "databaseLabel")
    staff = window.findChild(QLabel, "staffLabel")
    assert database is not None and database.text().startswith("SQLite: ")
    assert staff is not None
    assert "Тюмень" in staff.text() and "Администратор" in staff.text()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:3] == ["&Файл", "&Лицевой счёт", "&Офис"]


def test_open_tab_reuses_a_tab_with_the_same_key(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(view_context)
    qtbot.addWidget(window)
    first = window.open_tab(QLabel("a"), "Счёт 1", key="account:1")
    again = window.open_tab(QLabel("b"), "Счёт 1", key="account:1")
    assert again is first
    count = window.workspace.count()
    window.close_tab(window.workspace.indexOf(first))
    assert window.workspace.count() == count - 1


def test_main_window_screenshot(qtbot, view_context: ViewContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(view_context)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    target = tmp_path / "main_window.png"
    assert window.grab().save(str(target))
    assert target.stat().st_size > 5_000
