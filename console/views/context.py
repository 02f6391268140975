"""What every window is handed by app.bootstrap(): the database handle, settings, actor, tasks."""

from __future__ import annotations

from dataclasses import dataclass

from console.services.actor import Actor
from console.services.database import Database
from console.settings import Settings
from console.views.tasks import TaskRunner


@dataclass
class ViewContext:
    """Explicit wiring instead of globals: views pass ``db`` and ``actor`` to service calls."""

    db: Database
    settings: Settings
    actor: Actor
    tasks: TaskRunner
