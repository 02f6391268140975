"""The supervisor's workspace: queues with counts, their items, and the summary per office."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    Appeal,
    AppealTopic,
    Customer,
    Office,
    RefundApplication,
    Staff,
)
from console.models.enums import AppealStatus, RefundStatus, StaffRole
from console.services.appeals.intake import DUE_SOON_DAYS, OPEN_STATUSES
from console.services.appeals.queries import rows, rows_stmt
from console.services.core.address_format import person_name
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError
from console.services.core.formatting import money
from console.services.core.moments import local_date, local_midnight, stored_utc
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label

AWAITING_REVIEW = (RefundStatus.REGISTERED, RefundStatus.UNDER_REVIEW)
MAX_ITEMS = 1000
TOTAL = "Итого"


class Queue(enum.StrEnum):
    REFUNDS = "refunds"
    UNASSIGNED = "unassigned"
    MINE = "mine"
    OFFICE_OPEN = "office_open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


QUEUE_LABELS = {
    Queue.REFUNDS: "Возвраты: ждут рассмотрения",
    Queue.UNASSIGNED: "Обращения без исполнителя",
    Queue.MINE: "Мои (назначены мне)",
    Queue.OFFICE_OPEN: "Все открытые в офисе",
    Queue.DUE_SOON: f"Срок истекает в ближайшие {DUE_SOON_DAYS} дня",
    Queue.OVERDUE: "Просрочены",
}


@dataclass(frozen=True)
class QueueFilter:
    """Narrow the queues: office, topic, staff member (registered or assigned), period."""

    office_id: int | None = None
    topic_id: int | None = None
    staff_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    label: str
    count: int


@dataclass(frozen=True)
class QueueItem:
    """A line of a queue: an appeal or a refund application, shown alike."""

    kind: str  # "appeal" | "refund"
    id: int
    number: str
    registered_at: dt.datetime
    due_on: dt.date
    applicant: str
    account_number: str
    subject: str  # the topic, or "Возврат 250,00 ₽"
    status_label: str
    office_name: str
    assigned_to_name: str
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class FilterChoices:
    offices: tuple[Choice, ...]
    topics: tuple[Choice, ...]
    staff: tuple[Choice, ...]


@dataclass(frozen=True)
class SummaryRow:
    """Counts of the appeals received in the period (one office, one topic, or all)."""

    name: str
    received: int
    closed_in_time: int
    overdue: int
    in_work: int


@dataclass(frozen=True)
class Summary:
    date_from: dt.date
    date_to: dt.date
    office_name: str
    by_office: tuple[SummaryRow, ...]
    by_topic: tuple[SummaryRow, ...]
    total: SummaryRow


def require_supervisor(actor: Actor) -> None:
    if not actor.is_supervisor:
        raise PermissionDeniedError(
            "Рабочее место руководителя доступно только руководителям и администраторам."
        )


def _utc_bounds(filt: QueueFilter) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local calendar days → UTC instants (registered_at is stored in UTC)."""
    start = local_midnight(filt.date_from) if filt.date_from is not None else None
    end = None
    if filt.date_to is not None:
        end = local_midnight(filt.date_to + dt.timedelta(days=1))
    return start, end


def _appeal_filters(filt: QueueFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if filt.office_id is not None:
        out.append(Appeal.office_id == filt.office_id)
    if filt.topic_id is not None:
        out.append(Appeal.topic_id == filt.topic_id)
    if filt.staff_id is not None:
        out.append(
            or_(
                Appeal.assigned_to_staff_id == filt.staff_id,
                Appeal.registered_by_staff_id == filt.staff_id,
            )
        )
    start, end = _utc_bounds(filt)
    if start is not None:
        out.append(Appeal.registered_at >= start)
    if end is not None:
        out.append(Appeal.registered_at < end)
    return out


def _refund_filters(filt: QueueFilter) -> list[ColumnElement[bool]]:
    """Topic does not apply to refunds; the rest does."""
    out: list[ColumnElement[bool]] = [RefundApplication.status.in_(AWAITING_REVIEW)]
    if filt.office_id is not None:
        out.append(RefundApplication.office_id == filt.office_id)
    if filt.staff_id is not None:
        out.append(RefundApplication.registered_by_staff_id == filt.staff_id)
    start, end = _utc_bounds(filt)
    if start is not None:
        out.append(RefundApplication.registered_at >= start)
    if end is not None:
        out.append(RefundApplication.registered_at < end)
    return out


def _queue_condition(
    queue: Queue, actor: Actor, today: dt.date, filt: QueueFilter
) -> ColumnElement[bool]:
    open_ = Appeal.status.in_(OPEN_STATUSES)
    if queue is Queue.UNASSIGNED:
        return and_(Appeal.status == AppealStatus.REGISTERED, Appeal.assigned_to_staff_id.is_(None))
    if queue is Queue.MINE:
        return and_(
            Appeal.assigned_to_staff_id == actor.staff_id,
            Appeal.status.in_((*OPEN_STATUSES, AppealStatus.ANSWERED)),
        )
    if queue is Queue.OFFICE_OPEN:
        # Whoever they are assigned to: an appeal routed to one supervisor of the office is
        # still seen by the others. The office is the filter's, else the supervisor's own.
        if filt.office_id is None and actor.office_id is not None:
            return and_(open_, Appeal.office_id == actor.office_id)
        return open_
    if queue is Queue.DUE_SOON:
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        return and_(open_, Appeal.due_on >= today, Appeal.due_on <= soon)
    if queue is Queue.OVERDUE:
        return and_(open_, Appeal.due_on < today)
    raise ValueError(queue)


def queue_counts(
    db: Database, actor: Actor, filt: QueueFilter = QueueFilter(), *, today: dt.date | None = None
) -> tuple[QueueCount, ...]:
    """How many items wait in each queue, under the filter."""
    require_supervisor(actor)
    today = today or dt.date.today()
    with db.read() as session:
        counts = [
            session.scalar(select(func.count(RefundApplication.id)).where(*_refund_filters(filt)))
            or 0
        ]
        base = _appeal_filters(filt)
        for queue in list(Queue)[1:]:
            cond = _queue_condition(queue, actor, today, filt)
            counts.append(session.scalar(select(func.count(Appeal.id)).where(cond, *base)) or 0)
    return tuple(QueueCount(q, QUEUE_LABELS[q], n) for q, n in zip(Queue, counts, strict=True))


def queue_items(
    db: Database,
    actor: Actor,
    queue: Queue,
    filt: QueueFilter = QueueFilter(),
    *,
    today: dt.date | None = None,
) -> tuple[QueueItem, ...]:
    """The queue's items, the nearest deadline first (at most :data:`MAX_ITEMS`)."""
    require_supervisor(actor)
    today = today or dt.date.today()
    with db.read() as session:
        if queue is Queue.REFUNDS:
            return _refund_items(session, filt, today)
        stmt = (
            rows_stmt()
            .where(_queue_condition(queue, actor, today, filt), *_appeal_filters(filt))
            .order_by(Appeal.due_on, Appeal.registered_at, Appeal.id)
            .limit(MAX_ITEMS)
        )
        return tuple(
            QueueItem(
                "appeal",
                r.id,
                r.number,
                r.registered_at,
                r.due_on,
                r.applicant_name,
                r.account_number,
                r.topic_name,
                r.status_label,
                r.office_name,
                r.assigned_to_name,
                r.overdue,
                r.due_soon,
            )
            for r in rows(session, stmt, today)
        )


def _refund_items(session: Session, filt: QueueFilter, today: dt.date) -> tuple[QueueItem, ...]:
    stmt = (
        select(RefundApplication, Customer, Account.number, Office.name, Staff.full_name)
        .join(Customer, Customer.id == RefundApplication.applicant_id)
        .join(Account, Account.id == RefundApplication.account_id)
        .outerjoin(Office, Office.id == RefundApplication.office_id)
        .outerjoin(Staff, Staff.id == RefundApplication.reviewed_by_staff_id)
        .where(*_refund_filters(filt))
        .order_by(RefundApplication.due_on, RefundApplication.registered_at)
        .limit(MAX_ITEMS)
    )
    out = []
    for r, c, number, office, reviewer in session.execute(stmt):
        name = person_name(c)
        soon = today <= r.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)
        out.append(
            QueueItem(
                "refund",
                r.id,
                r.number,
                stored_utc(r.registered_at),
                r.due_on,
                name,
                number,
                f"Возврат {money(r.amount, currency=True)}",
                label(r.status),
                office or "",
                reviewer or "",
                r.due_on < today,
                soon,
            )
        )
    return tuple(out)


def filter_choices(db: Database, actor: Actor) -> FilterChoices:
    require_supervisor(actor)
    with db.read() as session:
        offices = session.execute(select(Office.id, Office.name).order_by(Office.name))
        topics = session.execute(select(AppealTopic.id, AppealTopic.name).order_by(AppealTopic.id))
        staff = session.execute(
            select(Staff.id, Staff.full_name)
            .where(Staff.is_active, Staff.role != StaffRole.ADMIN)
            .order_by(Staff.full_name)
        )
        return FilterChoices(
            tuple(Choice(*o) for o in offices),
            tuple(Choice(*t) for t in topics),
            tuple(Choice(*s) for s in staff),
        )


def _count(
    name: str, items: Iterable[tuple[AppealStatus, dt.date, dt.date | None]], today: dt.date
) -> SummaryRow:
    received = in_time = overdue = in_work = 0
    for status, due_on, answered_on in items:
        received += 1
        late = answered_on > due_on if answered_on is not None else today > due_on
        if late:
            overdue += 1
        elif status is AppealStatus.CLOSED:
            in_time += 1
        else:
            in_work += 1
    return SummaryRow(name, received, in_time, overdue, in_work)


def summary(
    db: Database,
    actor: Actor,
    date_from: dt.date,
    date_to: dt.date,
    *,
    office_id: int | None = None,
    today: dt.date | None = None,
) -> Summary:
    """Appeals received in [date_from, date_to]: closed in time, overdue, still in work.

    «Просрочено» counts every appeal whose deadline was missed: answered late or still
    unanswered past its date. Per office, per topic and in total.
    """
    require_supervisor(actor)
    today = today or dt.date.today()
    filt = QueueFilter(office_id=office_id, date_from=date_from, date_to=date_to)
    with db.read() as session:
        stmt = (
            select(
                Appeal.status,
                Appeal.due_on,
                Appeal.answered_at,
                Appeal.closed_at,
                Office.name,
                AppealTopic.name,
                AppealTopic.id,
            )
            .join(AppealTopic, AppealTopic.id == Appeal.topic_id)
            .outerjoin(Office, Office.id == Appeal.office_id)
            .where(*_appeal_filters(filt))
        )
        data = list(session.execute(stmt))
        office_name = ""
        if office_id is not None:
            office_name = session.scalar(select(Office.name).where(Office.id == office_id)) or ""
        topic_names = list(
            session.execute(select(AppealTopic.id, AppealTopic.name).order_by(AppealTopic.id))
        )

    def answered_on(answered: dt.datetime | None, closed: dt.datetime | None) -> dt.date | None:
        when = answered or closed
        return local_date(when) if when is not None else None

    facts = [
        (s, due, answered_on(a, c), office or "Без офиса", tid)
        for s, due, a, c, office, _, tid in data
    ]
    by_office = tuple(
        _count(name, [(s, d, a) for s, d, a, o, _ in facts if o == name], today)
        for name in sorted({f[3] for f in facts})
    )
    by_topic = tuple(
        _count(name, [(s, d, a) for s, d, a, _, t in facts if t == tid], today)
        for tid, name in topic_names
    )
    total = _count(TOTAL, [(s, d, a) for s, d, a, _, _ in facts], today)
    return Summary(date_from, date_to, office_name, by_office, by_topic, total)
