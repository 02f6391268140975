"""What every window is handed by app.bootstrap(): database, settings, actor, tasks, changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.services.core.database import Database
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.changes import ChangeHub
from console.views.common.tasks import TaskRunner


@dataclass
class ViewContext:
    """Explicit wiring instead of globals: views pass ``db`` and ``actor`` to service calls."""

    db: Database
    settings: Settings
    actor: Actor
    tasks: TaskRunner
    #: Where writes are announced, so other open windows of the same account refresh.
    changes: ChangeHub = field(default_factory=ChangeHub)
