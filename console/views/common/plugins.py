"""Extension points: features add their actions and tabs to the account card and main window.

Each feature module has an ``install_card(card)`` and/or ``install_window(window)`` function and
is listed here once, so the card and the window don't import every feature by name.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Modules under console.views with ``install_card(card: AccountCard) -> None``.
CARD_PLUGINS: list[str] = [
    "appeals.plugin",
    "payments.plugin",
    "refunds.plugin",
    "registration.plugin",
    "documents.plugin",
    "staff.audit_view",
    "readings.plugin",
]

#: Modules under console.views with ``install_window(window: MainWindow) -> None``.
WINDOW_PLUGINS: list[str] = [
    "search.panel",  # first: it replaces the welcome page as workspace tab 0
    "staff.lock",
    "common.connection_status",
    "appeals.plugin",
    "supervision.plugin",
    "payments.plugin",
    "refunds.plugin",
    "registration.plugin",
    "documents.plugin",
    "staff.audit_view",
    "billing.close_period",
]


def install(kind: str, target: Any) -> None:
    """Call every plugin of ``kind`` ("card" or "window") on ``target``."""
    names = CARD_PLUGINS if kind == "card" else WINDOW_PLUGINS
    for name in names:
        module = importlib.import_module(f"console.views.{name}")
        getattr(module, f"install_{kind}")(target)
