"""The one search box: type anything, see accounts, Enter opens the card. First workspace tab.

Search as you type with a 250 ms debounce; every search runs under one TaskRunner key, so an
older query's result never overwrites a newer one. A unique exact hit of an account number or a
meter serial opens the card at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.lookup.search import SearchResult, SearchRow, search
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.search.model import SearchResultsModel

if TYPE_CHECKING:
    from console.views.main_window import MainWindow

DEBOUNCE_MS = 250
TASK_KEY = "lookup.search"


class SearchPanel(QWidget):
    """Search box, hint line and the results table."""

    #: account_id, account number
    open_account = Signal(int, str)
    #: emitted after each result is shown (tests and the status bar listen)
    searched = Signal(object)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("searchPanel")
        self.box = QLineEdit(self)
        self.box.setObjectName("searchBox")
        self.box.setClearButtonEnabled(True)
        self.box.setPlaceholderText(
            "Номер ЛС, адрес, фамилия, № счётчика, телефон, паспорт или e-mail"
        )
        font = self.box.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.box.setFont(font)
        self.hint = QLabel("Enter — открыть карточку, ↓ — к результатам.", self)
        self.hint.setObjectName("searchHint")
        self.hint.setWordWrap(True)
        self.model = SearchResultsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("searchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        for column, width in enumerate((130, 260, 420, 110, 80, 170)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda index: self._open_row(index.row()))

        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(self._typed)
        self.box.installEventFilter(self)
        self.table.installEventFilter(self)
        self._pending_open = False
        self._shown_query: str | None = None
        self.last_result: SearchResult | None = None
        self.setFocusProxy(self.box)

    # --- typing and searching ----------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self._pending_open = False
        self._timer.start()

    def run_search(self) -> None:
        """Search for what the box holds now (the debounce timer or Enter calls this)."""
        self._timer.stop()
        query = self.box.text()
        db, actor = self.ctx.db, self.ctx.actor
        limit = self.ctx.settings.search_limit
        self.hint.setText("Поиск…")
        run_op(
            self.ctx,
            self,
            lambda: search(db, query, limit=limit, actor=actor),
            lambda result: self._show(query, result),
            self._failed,
            key=TASK_KEY,
        )

    def _show(self, query: str, result: SearchResult) -> None:
        self._shown_query = query
        self.last_result = result
        self.model.set_rows(result.rows)
        if result.rows:
            self.table.selectRow(0)
        if result.truncated:
            text = "Показаны первые {0}: уточните запрос.".format(len(result.rows))
        elif result.message:
            text = result.message
        else:
            text = "Найдено: {0}. Enter — открыть карточку, ↓ — к результатам.".format(
                len(result.rows)
            )
        self.hint.setText(text)
        self.searched.emit(result)
        exact = result.unique_exact
        open_now = self._pending_open and len(result.rows) == 1
        self._pending_open = False
        if exact is not None or open_now:
            self._emit_open(result.rows[0])

    def _failed(self, error: Exception) -> None:
        self._pending_open = False
        self.hint.setText(message_for(error))

    # --- opening -----------------------------------------------------------------------
    def _open_row(self, row: int) -> None:
        found = self.model.row_at(row)
        if found is not None:
            self._emit_open(found)

    def _emit_open(self, row: SearchRow) -> None:
        self.open_account.emit(row.account_id, row.number)

    def _enter(self) -> None:
        if self._timer.isActive() or self._shown_query != self.box.text():
            # Results are not for this text yet: search now and open a single hit.
            self._pending_open = True
            self.run_search()
            return
        current = self.table.currentIndex()
        self._open_row(current.row() if current.isValid() else 0)

    def focus_box(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if watched is self.box:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount() > 0:
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
            if key == Qt.Key.Key_Escape:
                self.box.selectAll()
                return True
        elif watched is self.table:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.table.currentIndex()
                if current.isValid():
                    self._open_row(current.row())
                return True
            if key == Qt.Key.Key_Escape or (
                key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0
            ):
                self.focus_box()
                return True
        return False


def install_window(window: MainWindow) -> None:
    """Put the search panel in place of the welcome page and wire Ctrl+F / F3 and cards."""
    from console.views.card.window import AccountCard

    panel = SearchPanel(window.ctx, window.workspace)
    workspace = window.workspace
    old = workspace.widget(0)
    workspace.removeTab(0)
    if old is not None:
        old.deleteLater()
    workspace.insertTab(0, panel, "Поиск лицевого счёта")
    workspace.tabBar().setTabButton(0, workspace.tabBar().ButtonPosition.RightSide, None)
    workspace.setCurrentIndex(0)
    window.search_panel = panel  # type: ignore[attr-defined]

    def focus_search() -> None:
        workspace.setCurrentWidget(panel)
        panel.focus_box()

    action = QAction("Найти лицевой счёт", window)
    action.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("F3")])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(focus_search)
    window.addAction(action)
    window.account_menu.addAction(action)

    def open_card(account_id: int, number: str) -> None:
        key = f"account:{account_id}"
        for index in range(workspace.count()):
            existing = workspace.widget(index)
            if existing is not None and existing.property("tabKey") == key:
                workspace.setCurrentIndex(index)  # already open: show it, don't load it twice
                return
        card = AccountCard(window.ctx, account_id, number)
        window.open_tab(card, "ЛС {0}".format(number), key=key)

    panel.open_account.connect(open_card)
    QTimer.singleShot(0, panel.focus_box)
