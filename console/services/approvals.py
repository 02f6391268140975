"""A supervisor confirms at the clerk's desk with their own login and password."""

from __future__ import annotations

from console.services import audit
from console.services.auth import authenticate
from console.services.database import Database
from console.services.errors import PermissionDeniedError
from console.services.reading_state import SupervisorApproval


def verify_supervisor(db: Database, login: str, password: str) -> SupervisorApproval:
    """Check a supervisor's credentials the way signing in does (audited, both databases)."""
    actor = authenticate(db, login, password, action="reading.supervisor_approval")
    if not actor.is_supervisor or actor.staff_id is None:
        raise PermissionDeniedError(f"{actor.full_name} — не руководитель офиса.")
    if db.is_postgres:  # there the server checked the password and nothing was recorded yet
        with db.transaction() as session:
            audit.record(session, actor, "reading.supervisor_approval", "staff", actor.staff_id)
    return SupervisorApproval(actor.staff_id, actor.full_name)
