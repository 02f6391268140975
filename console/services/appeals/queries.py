"""Reading appeals: one appeal in full, the rows of a list, and its history of steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    Account,
    Appeal,
    AppealTopic,
    Attachment,
    AuditEvent,
    Charge,
    Office,
    PaidService,
    RefundApplication,
    Staff,
    Supplier,
)
from console.models.enums import AppealKind, AppealStatus, AuditAction
from console.services.appeals.attachments import ATTACHMENT_OWNER
from console.services.appeals.intake import deadline_flags
from console.services.appeals.routing import decider_of
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.formatting import date, month_year
from console.services.core.moments import stored_utc
from console.services.vocabulary.labels import label, label_of


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class AppealDetails:
    """Everything the review screen and the printed documents show about one appeal."""

    id: int
    number: str
    kind: AppealKind
    status: AppealStatus
    status_label: str
    channel_label: str
    topic_id: int
    topic_name: str
    supplier_id: int
    supplier_name: str
    office_id: int | None
    office_name: str
    account_id: int | None
    account_number: str
    applicant_name: str
    phone: str
    email: str
    text: str
    registered_at: dt.datetime
    registered_by_name: str
    due_on: dt.date
    assigned_to_staff_id: int | None
    assigned_to_name: str
    answer_text: str
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    paid_service_name: str
    price: Decimal | None
    disputes_label: str
    is_dispute: bool
    decided_by_staff_id: int | None
    attachments: tuple[AttachmentInfo, ...]
    overdue: bool
    due_soon: bool
    version: int

    @property
    def kind_label(self) -> str:
        return label(self.kind)


@dataclass(frozen=True)
class AppealRow:
    """One line of an appeals list (the card's tab, the supervisor's queues)."""

    id: int
    number: str
    kind_label: str
    status: AppealStatus
    status_label: str
    topic_name: str
    applicant_name: str
    account_number: str
    office_name: str
    registered_at: dt.datetime
    due_on: dt.date
    assigned_to_name: str
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: dt.datetime
    staff_name: str
    action: str
    label: str
    detail: str


Assignee = aliased(Staff)


def rows_stmt() -> Select[Appeal, str, str, str, str]:
    return (
        select(Appeal, AppealTopic.name, Account.number, Office.name, Assignee.full_name)
        .join(AppealTopic, AppealTopic.id == Appeal.topic_id)
        .outerjoin(Account, Account.id == Appeal.account_id)
        .outerjoin(Office, Office.id == Appeal.office_id)
        .outerjoin(Assignee, Assignee.id == Appeal.assigned_to_staff_id)
    )


def _row(values: Any, today: dt.date) -> AppealRow:
    a, topic, account_number, office, assignee = values
    overdue, soon = deadline_flags(a.status, a.due_on, today)
    return AppealRow(
        a.id,
        a.number,
        label(a.kind),
        a.status,
        label(a.status),
        topic,
        a.applicant_name,
        account_number or "",
        office or "",
        stored_utc(a.registered_at),
        a.due_on,
        assignee or "",
        overdue,
        soon,
    )


def rows(
    session: Session, stmt: Select[Appeal, str, str, str, str], today: dt.date
) -> tuple[AppealRow, ...]:
    return tuple(_row(v, today) for v in session.execute(stmt))


def for_account(
    db: Database, account_id: int, *, today: dt.date | None = None
) -> tuple[AppealRow, ...]:
    """The account's appeals and orders, newest first."""
    today = today or dt.date.today()
    stmt = rows_stmt().where(Appeal.account_id == account_id)
    with db.read() as session:
        return rows(session, stmt.order_by(Appeal.registered_at.desc(), Appeal.id.desc()), today)


def _name(session: Session, staff_id: int | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    return staff.full_name if staff else ""


def _dispute_label(session: Session, a: Appeal) -> str:
    if a.disputes_refund_id is not None:
        refund = session.get(RefundApplication, a.disputes_refund_id)
        return f"Решение по заявлению на возврат № {refund.number}" if refund else ""
    if a.disputes_charge_id is not None:
        charge = session.get(Charge, a.disputes_charge_id)
        return f"Начисление за {month_year(charge.period).lower()}" if charge else ""
    return ""


def details(db: Database, appeal_id: int, *, today: dt.date | None = None) -> AppealDetails:
    today = today or dt.date.today()
    with db.read() as session:
        a = session.get(Appeal, appeal_id)
        if a is None:
            raise NotFoundError("Обращение не найдено.")
        topic = session.get(AppealTopic, a.topic_id)
        supplier = session.get(Supplier, a.supplier_id)
        office = session.get(Office, a.office_id) if a.office_id else None
        account = session.get(Account, a.account_id) if a.account_id else None
        service = session.get(PaidService, a.paid_service_id) if a.paid_service_id else None
        files = session.execute(
            select(Attachment.id, Attachment.filename, Attachment.media_type, Attachment.size)
            .where(Attachment.owner_type == ATTACHMENT_OWNER, Attachment.owner_id == a.id)
            .order_by(Attachment.id)
        )
        overdue, soon = deadline_flags(a.status, a.due_on, today)
        return AppealDetails(
            id=a.id,
            number=a.number,
            kind=a.kind,
            status=a.status,
            status_label=label(a.status),
            channel_label=label(a.channel),
            topic_id=a.topic_id,
            topic_name=topic.name if topic else "",
            supplier_id=a.supplier_id,
            supplier_name=supplier.short_name if supplier else "",
            office_id=a.office_id,
            office_name=office.name if office else "",
            account_id=a.account_id,
            account_number=account.number if account else "",
            applicant_name=a.applicant_name,
            phone=a.phone or "",
            email=a.email or "",
            text=a.text,
            registered_at=stored_utc(a.registered_at),
            registered_by_name=_name(session, a.registered_by_staff_id),
            due_on=a.due_on,
            assigned_to_staff_id=a.assigned_to_staff_id,
            assigned_to_name=_name(session, a.assigned_to_staff_id),
            answer_text=a.answer_text or "",
            answered_at=stored_utc(a.answered_at) if a.answered_at else None,
            closed_at=stored_utc(a.closed_at) if a.closed_at else None,
            paid_service_name=service.name if service else "",
            price=a.price,
            disputes_label=_dispute_label(session, a),
            is_dispute=a.disputes_refund_id is not None or a.disputes_charge_id is not None,
            decided_by_staff_id=decider_of(session, a),
            attachments=tuple(AttachmentInfo(*f) for f in files),
            overdue=overdue,
            due_soon=soon,
            version=a.version,
        )


def _detail(action: str, after: dict[str, Any] | None) -> str:
    after = after or {}
    if action == AuditAction.APPEAL_REGISTER:
        return f"№ {after.get('number', '')}, срок до {date(_iso(after.get('due_on')))}"
    if action == AuditAction.APPEAL_ASSIGN:
        return str(after.get("assignee", ""))
    if action in (AuditAction.APPEAL_ANSWER, AuditAction.APPEAL_COMMENT):
        return str(after.get("text", ""))
    if action == AuditAction.APPEAL_REOPEN:
        return f"Причина: {after.get('reason', '')}"
    if action == AuditAction.APPEAL_ATTACH:
        return str(after.get("filename", ""))
    return ""


def _iso(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def history(db: Database, appeal_id: int) -> tuple[HistoryEntry, ...]:
    """Every step of the appeal from the audit trail: who, when, what (comments included)."""
    with db.read() as session:
        events = session.execute(
            select(AuditEvent, Staff.full_name)
            .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
            .where(AuditEvent.entity == "appeal", AuditEvent.entity_id == str(appeal_id))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
        return tuple(
            HistoryEntry(
                stored_utc(e.occurred_at),
                name or "Система",
                e.action,
                label_of(AuditAction, e.action),
                _detail(e.action, e.after),
            )
            for e, name in events
        )
