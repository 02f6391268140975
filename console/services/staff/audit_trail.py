"""Reading the audit trail (журнал действий): per account, per staff member, per period; CSV export.

Supervisors and administrators only. Pages are fetched newest first by id (keyset), so the
window loads as the supervisor scrolls however long the trail is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import asdict, dataclass
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from console.models import Account, AuditEvent, Office, Staff
from console.models.enums import AuditAction
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.core.formatting import date_time
from console.services.core.moments import local_midnight, local_time
from console.services.files.cells import csv_row
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.permissions import require_supervisor
from console.services.vocabulary.labels import AUDIT_ENTITY, detail_key, detail_value, label_of

PAGE_SIZE = 200
MAX_CHANGES = 300

# Personal data stays masked in the trail's window and export: that it changed is enough there.
_SECRET_FIELD = re.compile(r"passport|snils|password", re.IGNORECASE)


@dataclass(frozen=True)
class AuditFilter:
    """What the supervisor asked for; empty fields do not filter."""

    account_number: str = ""
    staff_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class AuditRow:
    """One event as shown in the window and written to the CSV file."""

    id: int
    occurred_at: dt.datetime
    staff: str
    office: str
    workstation: str
    action: str
    action_label: str
    entity: str
    entity_id: str
    entity_label: str
    account_number: str
    changes: str


def page(
    db: Database,
    actor: Actor,
    flt: AuditFilter,
    *,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[AuditRow, ...]:
    """Up to ``limit`` events older than ``before_id`` (newest first)."""
    require_supervisor(actor, "просмотр журнала действий")
    stmt = _query(flt)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    with db.read() as session:
        rows = session.execute(stmt.order_by(AuditEvent.id.desc()).limit(limit)).all()
        return tuple(_row(event, who, office, account) for event, who, office, account in rows)


def export_csv(db: Database, actor: Actor, flt: AuditFilter, out: IO[str]) -> int:
    """Write every matching event to ``out`` (Excel-friendly CSV); returns how many were written.

    The export itself is recorded in the trail: who took a copy of it, and of what.
    """
    require_supervisor(actor, "выгрузка журнала действий")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["Дата и время", "Сотрудник", "Офис", "Рабочее место", "Действие", "Код действия",
         "Объект", "Номер объекта", "Лицевой счёт", "Изменения"]
    )  # fmt: skip
    written, before = 0, None
    while True:
        rows = page(db, actor, flt, before_id=before, limit=1000)
        for r in rows:
            # Names, workstations and changes are typed by people: never a live formula.
            writer.writerow(csv_row(
                [date_time(r.occurred_at), r.staff, r.office, r.workstation, r.action_label,
                 r.action, r.entity_label, r.entity_id, r.account_number, r.changes]
            ))  # fmt: skip
        written += len(rows)
        if len(rows) < 1000:
            break
        before = rows[-1].id
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.AUDIT_EXPORT, "audit_events",
            after={"rows": written, "filter": _jsonable_filter(flt)},
        )  # fmt: skip
    return written


def export_csv_file(db: Database, actor: Actor, flt: AuditFilter, path: str) -> int:
    """Export to a file (UTF-8 with a BOM, so Excel opens the Cyrillic right)."""
    buffer = io.StringIO()
    count = export_csv(db, actor, flt, buffer)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(buffer.getvalue())
    return count


def parse_account_number(text: str) -> str:
    """The account number filter: digits only (spaces and dashes ignored), or empty."""
    cleaned = re.sub(r"[\s\-]", "", text or "")
    if cleaned and not (cleaned.isdigit() and cleaned.isascii() and len(cleaned) <= 13):
        raise ValidationError("Номер лицевого счёта: до 13 цифр.", "account")
    return cleaned


def label(action: str) -> str:
    """The Russian name of a stored action code (the code itself when unknown)."""
    return label_of(AuditAction, action)


def describe_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, action: str = ""
) -> str:
    """ "Поле: было → стало; …" in Russian (the words of ``action``'s codes), personal data
    masked, cut to a readable length."""
    before, after = before or {}, after or {}
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        name = detail_key(key)
        if _SECRET_FIELD.search(key):
            parts.append(f"{name}: изменено")
            continue
        old = _short(detail_value(action, key, before.get(key)))
        new = _short(detail_value(action, key, after.get(key)))
        if key in before and key in after:
            parts.append(f"{name}: {old} → {new}")
        elif key in after:
            parts.append(f"{name}: {new}")
        else:
            parts.append(f"{name}: было {old}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_CHANGES else text[: MAX_CHANGES - 1] + "…"


def _query(flt: AuditFilter) -> Any:  # a Select; its generic form differs in SQLAlchemy 2.0/2.1
    staff, office, account = aliased(Staff), aliased(Office), aliased(Account)
    stmt = (
        select(AuditEvent, staff, office, account)
        .outerjoin(staff, staff.id == AuditEvent.staff_id)
        .outerjoin(office, office.id == AuditEvent.office_id)
        .outerjoin(account, account.id == AuditEvent.account_id)
    )
    number = parse_account_number(flt.account_number)
    if number:
        ids = select(Account.id).where(Account.number == number).scalar_subquery()
        stmt = stmt.where(AuditEvent.account_id.in_(ids))
    if flt.staff_id is not None:
        stmt = stmt.where(AuditEvent.staff_id == flt.staff_id)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ValidationError("Начало периода позже его конца.", "date_from")
    if flt.date_from:
        stmt = stmt.where(AuditEvent.occurred_at >= local_midnight(flt.date_from))
    if flt.date_to:
        next_day = flt.date_to + dt.timedelta(days=1)
        stmt = stmt.where(AuditEvent.occurred_at < local_midnight(next_day))
    return stmt


def _row(
    event: AuditEvent, staff: Staff | None, office: Office | None, account: Account | None
) -> AuditRow:
    if staff is not None:
        who = f"{staff.full_name} ({staff.login})"
    elif event.login and event.login != "system":
        who = f"«{event.login}» (не сотрудник пульта)"
    else:
        who = "Система"
    return AuditRow(
        id=event.id,
        occurred_at=local_time(event.occurred_at),
        staff=who,
        office=office.name if office else "",
        workstation=event.workstation or "",
        action=event.action,
        action_label=label(event.action),
        entity=event.entity,
        entity_id=event.entity_id or "",
        entity_label=AUDIT_ENTITY.get(event.entity, event.entity),
        account_number=account.number if account else "",
        changes=describe_changes(event.before, event.after, event.action),
    )


def _short(value: object) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _jsonable_filter(flt: AuditFilter) -> dict[str, Any]:
    return {k: v for k, v in asdict(flt).items() if v not in (None, "")}
