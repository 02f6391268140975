"""The main window: menu, workspace tabs and a status bar with database, office and staff."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console import __version__
from console.views.common import plugins
from console.views.common.context import ViewContext
from console.views.common.screen import fit_to_screen


class MainWindow(plugins.WindowHost):
    """Holds the workspace; lookup, account cards and queues are tabs in it."""

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Клиентский зал — операторский пульт")
        self.setObjectName("MainWindow")
        fit_to_screen(self, 1280, 800)

        self.workspace = QTabWidget(self)
        self.workspace.setObjectName("workspace")
        self.workspace.setTabsClosable(True)
        self.workspace.setDocumentMode(True)
        self.workspace.tabCloseRequested.connect(self.close_tab)
        self.workspace.addTab(self._welcome(), "Рабочая область")
        self.workspace.tabBar().setTabButton(
            0, self.workspace.tabBar().ButtonPosition.RightSide, None
        )
        self.setCentralWidget(self.workspace)

        self._build_menu()
        self._build_status_bar()
        ctx.tasks.busy_changed.connect(self._on_busy)
        ctx.tasks.failed.connect(self.show_error)
        self._restore_state()
        plugins.install("window", self)

    # --- construction -------------------------------------------------------------------
    def _welcome(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        hint = QLabel(
            (
                "Рабочая область пуста.\n"
                "Здесь открываются поиск лицевых счетов, карточки и очереди заявлений."
            ),
            page,
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setObjectName("welcomeHint")
        layout.addWidget(hint)
        return page

    def _build_menu(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&Файл")
        quit_action = QAction("Выход", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        self.account_menu = bar.addMenu("&Лицевой счёт")
        self.office_menu = bar.addMenu("&Офис")
        help_menu = bar.addMenu("&Справка")
        about = QAction("О программе", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        close_tab = QAction("Закрыть вкладку", self)
        close_tab.setShortcut(QKeySequence("Ctrl+W"))
        close_tab.triggered.connect(lambda: self.close_tab(self.workspace.currentIndex()))
        self.addAction(close_tab)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel(self.ctx.db.describe(), self)
        self.database_label.setObjectName("databaseLabel")
        actor = self.ctx.actor
        office = actor.office_name or "офис не выбран"
        self.staff_label = QLabel(f"{office} · {actor.full_name}", self)
        self.staff_label.setObjectName("staffLabel")
        self.busy_label = QLabel("", self)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.staff_label)
        status.addPermanentWidget(self.database_label)

    # --- behaviour ----------------------------------------------------------------------
    def close_tab(self, index: int) -> None:
        if index > 0:
            widget = self.workspace.widget(index)
            self.workspace.removeTab(index)
            if widget is not None:
                widget.deleteLater()

    def open_tab(self, widget: QWidget, title: str, key: str | None = None) -> QWidget:
        """Show ``widget`` as a workspace tab; a tab with the same ``key`` is reused."""
        if key is not None:
            for index in range(self.workspace.count()):
                existing = self.workspace.widget(index)
                if existing is not None and existing.property("tabKey") == key:
                    self.workspace.setCurrentIndex(index)
                    widget.deleteLater()
                    return existing
            widget.setProperty("tabKey", key)
        index = self.workspace.addTab(widget, title)
        self.workspace.setCurrentIndex(index)
        return widget

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText("Выполняется…" if busy else "")

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "О программе",
            "Операторский пульт клиентского зала, версия {0}".format(__version__),
        )

    def _restore_state(self) -> None:
        state = QSettings().value("main_window/geometry")
        if state is not None:
            self.restoreGeometry(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
