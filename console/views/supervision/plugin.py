"""The supervisor's workspace in the office menu (supervisors only; a clerk does not see it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from console.views.appeals.plugin import open_appeal
from console.views.common.context import ViewContext
from console.views.common.plugins import WindowHost
from console.views.supervision.workspace import SupervisorWorkspace

WORKSPACE_SHORTCUT = "Ctrl+Shift+R"


def open_workspace(window: Any) -> SupervisorWorkspace:
    ctx: ViewContext = window.ctx
    workspace = SupervisorWorkspace(
        ctx,
        open_appeal=lambda item: _open_from_workspace(window, workspace, item.id, item.number),
    )
    shown = window.open_tab(workspace, "Рабочее место руководителя", "supervisor")
    return shown if isinstance(shown, SupervisorWorkspace) else workspace


def _open_from_workspace(
    window: Any, workspace: SupervisorWorkspace, appeal_id: int, number: str
) -> None:
    review = open_appeal(window, window.ctx, appeal_id, number)
    review.changed.connect(workspace.refresh)


def install_window(window: WindowHost) -> None:
    """«Рабочее место руководителя» in the office menu, for supervisors only."""
    ctx: ViewContext = window.ctx
    if not ctx.actor.is_supervisor:
        return  # a clerk does not even see the supervisor's entries
    workspace = QAction("Рабочее место руководителя", window)
    workspace.setObjectName("supervisorWorkspaceAction")
    workspace.setShortcut(QKeySequence(WORKSPACE_SHORTCUT))
    workspace.triggered.connect(lambda: open_workspace(window))
    window.office_menu.addAction(workspace)
    window.addAction(workspace)
