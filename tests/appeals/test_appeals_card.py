"""The card plugin («Обращение», «Обращения») and the window plugin (menus by role)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget, QToolBar, QVBoxLayout, QWidget

from console.models.enums import StaffRole
from console.services.appeals import intake
from console.services.core.database import Database
from console.views.appeals import plugin
from console.views.appeals.catalog_dialog import AppealCatalogDialog
from console.views.appeals.dialog import AppealDialog
from console.views.appeals.review import AppealReview
from console.views.common import plugins
from console.views.common.context import ViewContext
from console.views.main_window import MainWindow
from console.views.supervision.workspace import SupervisorWorkspace
from tests.appeals.helpers import grab, view_context
from tests.appeals.test_appeals import draft
from tests.support.factories import make_account, make_staff


class StandInCard(QWidget):
    """The account card's published interface, until the lookup branch brings the real one."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, account_id: int, number: str) -> None:
        super().__init__()
        self.ctx, self.account_id, self.account_number = ctx, account_id, number
        self.toolbar = QToolBar(self)
        self.tabs = QTabWidget(self)
        self.refreshed = 0
        # Like AccountCard: reload when a write to this account is announced.
        ctx.changes.account_changed.connect(self._account_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs)

    def add_action(
        self, text: str, shortcut: str | None, callback: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: callback())
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def refresh(self) -> None:
        self.refreshed += 1
        self.changed.emit()

    @Slot(int)
    def _account_changed(self, account_id: int) -> None:
        if account_id == self.account_id:
            self.refresh()


def test_plugins_are_registered() -> None:
    assert "appeals.plugin" in plugins.CARD_PLUGINS and "appeals.plugin" in plugins.WINDOW_PLUGINS


def test_card_tab_lists_appeals_and_registers_new_ones(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    intake.register(sqlite_db, clerk, draft(sqlite_db, account_id=acc.account_id))
    with view_context(sqlite_db, clerk) as ctx:
        card = StandInCard(ctx, acc.account_id, acc.number)
        qtbot.addWidget(card)
        plugin.install_card(card)
        card.resize(1000, 400)
        card.show()
        assert card.tabs.tabText(0) == "Обращения"
        assert [a.text() for a in card.toolbar.actions()] == ["Обращение"]
        tab = card.tabs.widget(0)
        assert isinstance(tab, plugin.AppealsTab)
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
        grab(card, "card-tab")

        dialog = tab.new_appeal()
        qtbot.waitUntil(dialog.submit.isEnabled)
        dialog.text.setPlainText("Второе обращение")
        dialog.register()
        qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
        assert card.refreshed >= 1
        dialog.close()

        review = tab.open_row(0)  # no main window here: opens in a dialog
        assert isinstance(review, AppealReview)
        qtbot.waitUntil(lambda: review.details is not None)
        assert review.details is not None and review.details.text == "Второе обращение"


def actions_of(window: MainWindow) -> dict[str, QAction]:
    return {a.text(): a for a in window.office_menu.actions()}


def test_window_menu_depends_on_role(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    boss = make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)
    done = intake.register(sqlite_db, clerk, draft(sqlite_db))
    with view_context(sqlite_db, clerk) as ctx:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        menu = actions_of(window)
        assert "Обращение без лицевого счёта…" in menu
        assert "Рабочее место руководителя" not in menu  # a clerk does not see it
        menu["Обращение без лицевого счёта…"].trigger()
        dialogs = window.findChildren(AppealDialog)
        assert len(dialogs) == 1 and dialogs[0].account_id is None
        qtbot.waitUntil(dialogs[0].submit.isEnabled)
        grab(dialogs[0], "dialog-no-account")
        dialogs[0].reject()
    with view_context(sqlite_db, boss) as ctx:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1280, 760)
        window.show()
        assert "Обращения: сроки ответа и прейскурант…" not in actions_of(window)
        action = actions_of(window)["Рабочее место руководителя"]
        assert action.shortcut().toString() == "Ctrl+Shift+R"
        action.trigger()
        workspace = window.workspace.currentWidget()
        assert isinstance(workspace, SupervisorWorkspace)
        action.trigger()  # the same tab again, not a second one
        assert window.workspace.count() == 2
        qtbot.waitUntil(lambda: workspace.model.rowCount() == 1)
        grab(window, "window-workspace")
        workspace.table.setCurrentIndex(workspace.proxy.index(0, 0))
        workspace.table.activated.emit(workspace.proxy.index(0, 0))
        review = window.workspace.currentWidget()
        assert isinstance(review, AppealReview) and review.appeal_id == done.id
        qtbot.waitUntil(lambda: review.details is not None)
        assert (
            window.workspace.tabText(window.workspace.currentIndex()) == f"Обращение {done.number}"
        )
        grab(window, "window-review")


def test_administrator_gets_the_catalog(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = make_staff(sqlite_db, "root", StaffRole.ADMIN)
    with view_context(sqlite_db, admin) as ctx:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        menu = actions_of(window)
        assert "Рабочее место руководителя" in menu
        menu["Обращения: сроки ответа и прейскурант…"].trigger()
        dialog = window.findChild(AppealCatalogDialog)
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
        dialog.accept()
