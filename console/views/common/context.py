"""What every window is handed by app.bootstrap(): the database handle, settings, actor, tasks."""

from __future__ import annotations

from dataclasses import dataclass

from console.services.core.database import Database
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.tasks import TaskRunner


@dataclass
class ViewContext:
    """Explicit wiring instead of globals: views pass ``db`` and ``actor`` to service calls."""

    db: Database
    settings: Settings
    actor: Actor
    tasks: TaskRunner
