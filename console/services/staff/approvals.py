"""A supervisor confirms at the clerk's desk with their own login and password."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from console.models.enums import AuditAction
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError
from console.services.staff.actor import Actor
from console.services.staff.auth import authenticate, open_as

#: How long a supervisor's confirmation with login and password stands for the desk — the same
#: 15 minutes PostgreSQL gives the one-time token of ``console_issue_approval`` (migration 0005).
APPROVAL_VALID_FOR = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class SupervisorApproval:
    """A supervisor's consent to a very-high reading."""

    staff_id: int
    full_name: str
    #: PostgreSQL: the one-time token the supervisor's own login got from the database
    #: (``console_issue_approval``); a reading approved without it is refused there.
    token: str | None = None

    @classmethod
    def of(cls, actor: Actor) -> SupervisorApproval:
        if not actor.is_supervisor or actor.staff_id is None:
            raise PermissionDeniedError("Подтвердить может только руководитель офиса.")
        return cls(actor.staff_id, actor.full_name)


def verify_supervisor(db: Database, login: str, password: str) -> SupervisorApproval:
    """Check a supervisor's credentials the way signing in does (audited, both databases).

    On PostgreSQL the supervisor's own connection asks the database for a one-time token: the
    clerk's connection cannot name a supervisor as approver without it, and the audit event is
    the supervisor's, written by the database from that login.
    """
    if not db.is_postgres:
        actor = authenticate(db, login, password, action=AuditAction.SUPERVISOR_APPROVAL)
        return SupervisorApproval(_supervisor_id(actor), actor.full_name)
    probe, actor = open_as(db, login, password)
    try:
        staff_id = _supervisor_id(actor)
        with probe.transaction() as session:
            token = session.scalar(
                text("SELECT console_issue_approval(:p)"),
                {"p": AuditAction.SUPERVISOR_APPROVAL.value},
            )
    finally:
        probe.dispose()
    return SupervisorApproval(staff_id, actor.full_name, str(token))


def _supervisor_id(actor: Actor) -> int:
    if not actor.is_supervisor or actor.staff_id is None:
        raise PermissionDeniedError(f"{actor.full_name} — не руководитель офиса.")
    return actor.staff_id
