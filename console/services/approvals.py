"""A supervisor confirms at the clerk's desk with their own login and password."""

from __future__ import annotations

from sqlalchemy import text

from console.services.auth import authenticate, open_as
from console.services.database import Database
from console.services.errors import PermissionDeniedError
from console.services.reading_state import SupervisorApproval

ACTION = "reading.supervisor_approval"


def verify_supervisor(db: Database, login: str, password: str) -> SupervisorApproval:
    """Check a supervisor's credentials the way signing in does (audited, both databases).

    On PostgreSQL the supervisor's own connection asks the database for a one-time token: the
    clerk's connection cannot name a supervisor as approver without it, and the audit event is
    the supervisor's, written by the database from that login.
    """
    if not db.is_postgres:
        actor = authenticate(db, login, password, action=ACTION)
        _require_supervisor(actor.is_supervisor, actor.staff_id, actor.full_name)
        assert actor.staff_id is not None
        return SupervisorApproval(actor.staff_id, actor.full_name)
    probe, actor = open_as(db, login, password)
    try:
        _require_supervisor(actor.is_supervisor, actor.staff_id, actor.full_name)
        assert actor.staff_id is not None
        with probe.transaction() as session:
            token = session.scalar(text("SELECT console_issue_approval(:p)"), {"p": ACTION})
    finally:
        probe.dispose()
    return SupervisorApproval(actor.staff_id, actor.full_name, str(token))


def _require_supervisor(is_supervisor: bool, staff_id: int | None, name: str) -> None:
    if not is_supervisor or staff_id is None:
        raise PermissionDeniedError(f"{name} — не руководитель офиса.")
