"""Extension points: features add their actions and tabs to the account card and main window.

Each feature module has an ``install_card(card)`` and/or ``install_window(window)`` function and
is listed here once, so the card and the window don't import every feature by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from console.views.common.context import ViewContext


class CardHost(QWidget):
    """What the account card (views/card/window.py) offers the features that plug into it."""

    #: Emitted when the card reloads, so a feature's own tab reloads too.
    changed = Signal()
    ctx: ViewContext
    account_id: int
    account_number: str

    def add_action(
        self, text: str, shortcut: str | None, callback: Callable[[], object]
    ) -> QAction:
        """A toolbar button with an optional shortcut, active while this card is shown."""
        raise NotImplementedError

    def add_tab(self, widget: QWidget, title: str) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError


class WindowHost(QMainWindow):
    """What the main window (views/main_window.py) offers the features that plug into it."""

    ctx: ViewContext
    office_menu: QMenu
    account_menu: QMenu

    def open_tab(self, widget: QWidget, title: str, key: str | None = None) -> QWidget:
        """Show ``widget`` as a workspace tab; a tab with the same ``key`` is reused."""
        raise NotImplementedError


#: Modules under console.views with ``install_card(card: CardHost) -> None``.
CARD_PLUGINS: list[str] = [
    "appeals.plugin",
    "payments.plugin",
    "refunds.plugin",
    "registration.plugin",
    "documents.plugin",
    "mail.plugin",
    "staff.audit_view",
    "readings.plugin",
]

#: Modules under console.views with ``install_window(window: WindowHost) -> None``.
WINDOW_PLUGINS: list[str] = [
    "search.panel",  # first: it replaces the welcome page as workspace tab 0
    "staff.lock",
    "common.connection_status",
    "common.watch",
    "appeals.plugin",
    "supervision.plugin",
    "payments.plugin",
    "refunds.plugin",
    "registration.plugin",
    "documents.plugin",
    "mail.plugin",
    "staff.audit_view",
    "billing.close_period",
    "payments.cheque_status",
]


def install(kind: str, target: CardHost | WindowHost) -> None:
    """Call every plugin of ``kind`` ("card" or "window") on ``target``."""
    names = CARD_PLUGINS if kind == "card" else WINDOW_PLUGINS
    for name in names:
        module = importlib.import_module(f"console.views.{name}")
        getattr(module, f"install_{kind}")(target)
