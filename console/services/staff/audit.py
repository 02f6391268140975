"""Recording actions in the audit trail, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from console.models import AuditEvent
from console.models.enums import AuditAction
from console.services.staff.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: object = None,
    *,
    account_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit event in the same transaction as the change it describes."""
    session.add(
        AuditEvent(
            occurred_at=dt.datetime.now(dt.UTC),
            staff_id=actor.staff_id,
            login=actor.login[:63] or None,
            office_id=actor.office_id,
            workstation=actor.workstation or None,
            action=action.value,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            account_id=account_id,
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
        )
    )


def snapshot(obj: object, *names: str) -> dict[str, Any]:
    """The named attributes of an ORM row as a JSON-ready dict, for before/after values."""
    return {name: _jsonable(getattr(obj, name)) for name in names}
