"""The account card: header, notifications and tabs of one лицевой счёт. Features plug into it.

Interface other features rely on (see views/plugins.py): ``ctx``, ``account_id``,
``account_number``, ``add_action(text, shortcut, callback)``, ``add_tab(widget, title)``,
``refresh()`` and the ``changed`` signal (emitted by ``refresh()`` so plugin tabs reload too).
A card refreshes itself when an operation announces its account on ``ctx.changes`` (a payment
taken in another window of the same account), so features need not call ``refresh()``.
``data`` holds the last loaded :class:`AccountCardData` (None until the first load).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from console.services.account.card import AccountCardData, load_card
from console.views.card.charges import ChargesTab
from console.views.card.header import CardHeader
from console.views.card.history import HistoryTab
from console.views.card.readings import ReadingsTab
from console.views.card.requisites import RequisitesTab
from console.views.card.statistics import StatisticsTab
from console.views.card.util import error_line, refresh_all
from console.views.common import plugins
from console.views.common.action_strip import ActionStrip
from console.views.common.context import ViewContext
from console.views.common.operations import Operation

SEVERITY_STYLE = {
    "critical": "background:#fde7e7; border-left:4px solid #b3261e; color:#5c1410;",
    "warning": "background:#fff4e0; border-left:4px solid #b26a00; color:#4d2e00;",
    "info": "background:#e8f1fb; border-left:4px solid #1f5fa8; color:#0f2f54;",
}


class AccountCard(plugins.CardHost):
    """Everything about one account on one screen; several may be open as workspace tabs."""

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        account_number: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.account_number = account_number
        self.data: AccountCardData | None = None
        self.setObjectName("accountCard")

        # Wraps onto a second row: no action hides behind a «››» overflow on a narrow screen.
        self.toolbar = ActionStrip(self)
        self.toolbar.setObjectName("cardToolbar")
        self.add_action("Обновить", "F5", self.refresh)
        self.header = CardHeader(ctx, account_id, self)
        self.error = error_line(self)
        self.notes_box = QWidget(self)
        self.notes_box.setObjectName("notifications")
        self.notes_layout = QVBoxLayout(self.notes_box)
        self.notes_layout.setContentsMargins(0, 0, 0, 0)
        self.notes_layout.setSpacing(3)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("cardTabs")
        self.tabs.currentChanged.connect(self._tab_shown)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.header)
        layout.addWidget(self.error)
        layout.addWidget(self.notes_box)
        layout.addWidget(self.tabs, 1)

        self._own_tabs: list[QWidget] = [
            ChargesTab(ctx, account_id, self),
            ReadingsTab(ctx, account_id, self),
            HistoryTab(ctx, account_id, self),
            RequisitesTab(ctx, account_id, self),
            StatisticsTab(ctx, account_id, self),
        ]
        titles = ("Начисления и платежи", "Показания", "История", "Реквизиты", "Статистика")
        for tab, title in zip(self._own_tabs, titles, strict=True):
            self.add_tab(tab, title)
        self._refresh_pending = False
        ctx.changes.account_changed.connect(self._account_changed)
        self._load()
        plugins.install("card", self)

    # --- the interface features use ----------------------------------------------------
    def add_action(
        self, text: str, shortcut: str | None, callback: Callable[[], object]
    ) -> QAction:
        """A toolbar button with an optional shortcut, active while this card is shown."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({shortcut})")
        action.triggered.connect(lambda _checked=False: callback())
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def refresh(self) -> None:
        """Reload the header and the card's own tabs; ``changed`` tells plugin tabs to reload."""
        self._load()
        refresh_all(self._own_tabs)
        self.changed.emit()

    @Slot(int)
    def _account_changed(self, account_id: int) -> None:
        """Another window (or this card's dialog) wrote to this account: reload, once."""
        if account_id != self.account_id or self._refresh_pending:
            return
        self._refresh_pending = True
        QTimer.singleShot(0, self, self._refresh_announced)

    def _refresh_announced(self) -> None:
        self._refresh_pending = False
        self.refresh()

    # --- loading -----------------------------------------------------------------------
    def _load(self) -> None:
        db, account_id = self.ctx.db, self.account_id
        last_day = self.ctx.settings.reading_window_last_day
        Operation(
            self, lambda: load_card(db, account_id, reading_window_last_day=last_day)
        ).success(self._show).error_label(self.error).stale_key(f"card-{id(self)}").run(self.ctx)

    def _show(self, data: AccountCardData) -> None:
        self.data = data
        self.account_number = data.number
        self.header.show_data(data)
        while self.notes_layout.count():
            item = self.notes_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for note in data.notifications:
            label = QLabel(note.text, self.notes_box)
            label.setObjectName(f"note_{note.code}")
            label.setProperty("severity", note.severity)
            label.setWordWrap(True)
            style = SEVERITY_STYLE.get(note.severity, "")
            label.setStyleSheet(f"QLabel {{ {style} padding:4px; }}")
            self.notes_layout.addWidget(label)
        self.notes_box.setVisible(bool(data.notifications))

    def _tab_shown(self, index: int) -> None:
        tab = self.tabs.widget(index)
        ensure = getattr(tab, "ensure_loaded", None)
        if callable(ensure):
            ensure()
