"""Appeals on the account card («Обращение», «Обращения») and in the main window's menus."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.appeals import queries
from console.services.appeals.intake import AppealStatus
from console.services.appeals.queries import AppealRow
from console.views.appeals.catalog_dialog import AppealCatalogDialog
from console.views.appeals.dialog import AppealDialog
from console.views.appeals.model import AppealListModel
from console.views.appeals.review import AppealReview
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import CardHost, WindowHost
from console.views.common.screen import fit_to_screen
from console.views.common.tasks import message_for

CARD_SHORTCUT = "F8"
NO_ACCOUNT_SHORTCUT = "Ctrl+Shift+O"


def open_appeal(host: QWidget, ctx: ViewContext, appeal_id: int, number: str) -> AppealReview:
    """Show the appeal as a workspace tab when there is a main window, else in a dialog."""
    review = AppealReview(ctx, appeal_id)
    window: Any = host.window()
    if hasattr(window, "open_tab"):
        shown = window.open_tab(review, "Обращение {0}".format(number), f"appeal:{appeal_id}")
        return shown if isinstance(shown, AppealReview) else review
    dialog = QDialog(host)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowTitle("Обращение {0}".format(number))
    fit_to_screen(dialog, 900, 820)
    QVBoxLayout(dialog).addWidget(review)
    dialog.open()
    return review


class AppealsTab(QWidget):
    """The account's appeals and orders; Enter opens one, F8 registers a new one."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setObjectName("AppealsTab")
        self.model = AppealListModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header.hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        new = QPushButton("Новое обращение ({0})".format(CARD_SHORTCUT), self)
        new.clicked.connect(self.new_appeal)
        self.status = QLabel("", self)
        bar = QHBoxLayout()
        bar.addWidget(new)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        db, account_id = self.ctx.db, self.account_id
        run_op(
            self.ctx,
            self,
            lambda: queries.for_account(db, account_id),
            self._loaded,
            lambda err: self.status.setText(message_for(err)),
            key=f"appeals-tab-{id(self)}",
        )

    def _loaded(self, rows: tuple[AppealRow, ...]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        open_count = sum(1 for r in rows if r.status is not AppealStatus.CLOSED)
        self.status.setText(
            "Всего {0}, не закрыто {1}".format(len(rows), open_count)
            if rows
            else "Обращений по лицевому счёту нет"
        )

    def new_appeal(self) -> AppealDialog:
        dialog = AppealDialog(self.ctx, self.account_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.registered.connect(lambda _: self._written())
        dialog.open()
        return dialog

    def open_row(self, row: int) -> AppealReview | None:
        item = self.model.row_at(row)
        if item is None:
            return None
        review = open_appeal(self, self.ctx, item.id, item.number)
        review.changed.connect(self._written)
        return review

    def _written(self) -> None:
        self.reload()
        self.changed.emit()
        # The card (and every other open card of the account) reloads on the announcement.
        self.ctx.changes.announce_account(self.account_id)


def install_card(card: CardHost) -> None:
    """«Обращение» in the card's toolbar and the «Обращения» tab."""
    tab = AppealsTab(card.ctx, card.account_id, card)
    card.add_tab(tab, "Обращения")
    card.add_action("Обращение", CARD_SHORTCUT, tab.new_appeal)
    card.changed.connect(tab.reload)


def _without_account(window: QWidget, ctx: ViewContext) -> AppealDialog:
    dialog = AppealDialog(ctx, None, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _catalog(window: QWidget, ctx: ViewContext) -> AppealCatalogDialog:
    dialog = AppealCatalogDialog(ctx, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install_window(window: WindowHost) -> None:
    """The office menu: an appeal without an account; the catalogue for administrators."""
    ctx: ViewContext = window.ctx
    no_account = QAction("Обращение без лицевого счёта…", window)
    no_account.setObjectName("appealWithoutAccountAction")
    no_account.setShortcut(QKeySequence(NO_ACCOUNT_SHORTCUT))
    no_account.triggered.connect(lambda: _without_account(window, ctx))
    window.office_menu.addAction(no_account)
    window.addAction(no_account)
    if ctx.actor.is_admin:
        catalog = QAction("Обращения: сроки ответа и прейскурант…", window)
        catalog.setObjectName("appealCatalogAction")
        catalog.triggered.connect(lambda: _catalog(window, ctx))
        window.office_menu.addAction(catalog)
