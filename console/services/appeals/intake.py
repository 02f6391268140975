"""Обращения: registering an appeal or a paid-service order; the customer leaves with a number."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import phonenumbers
from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    Appeal,
    AppealTopic,
    Office,
    PaidService,
    Premise,
    Staff,
    Supplier,
)
from console.models.enums import AppealChannel as AppealChannel
from console.models.enums import AppealKind as AppealKind
from console.models.enums import AppealStatus as AppealStatus
from console.models.enums import AuditAction
from console.services.account.holders import holder_of
from console.services.appeals import attachments as appeal_attachments
from console.services.appeals import catalog, routing
from console.services.appeals.attachments import AttachmentFile as AttachmentFile
from console.services.core import sequences
from console.services.core.address_format import person_name, premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.errors import ValidationError as VE
from console.services.core.moments import stored_utc
from console.services.staff import audit
from console.services.staff.actor import Actor

OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS)
DUE_SOON_DAYS = 3
MAX_TEXT = 10_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True)
class Applicant:
    """Who is on the account, to prefill the form (the primary holder and the address)."""

    account_id: int
    account_number: str
    supplier_id: int
    supplier_name: str
    customer_id: int | None
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class AppealDraft:
    """What the clerk typed. ``idempotency_key`` is made when the form opens."""

    channel: AppealChannel
    topic_id: int | None
    applicant_name: str
    text: str = ""
    phone: str = ""
    email: str = ""
    account_id: int | None = None
    kind: AppealKind = AppealKind.APPEAL
    paid_service_id: int | None = None
    disputes_refund_id: int | None = None
    disputes_charge_id: int | None = None
    attachments: tuple[AttachmentFile, ...] = ()
    idempotency_key: str | None = None
    supplier_id: int | None = None  # only when there is neither an account nor an office


@dataclass(frozen=True)
class Registered:
    id: int
    number: str
    registered_at: dt.datetime
    due_on: dt.date
    assigned_to_name: str | None
    created: bool  # False when the same form was submitted again (idempotency key)


def deadline_flags(status: AppealStatus, due_on: dt.date, today: dt.date) -> tuple[bool, bool]:
    """(overdue, due soon): only an unanswered appeal can be late."""
    if status not in OPEN_STATUSES:
        return False, False
    return due_on < today, today <= due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)


def normalise_phone(value: str) -> str | None:
    """ "8 (912) 345-67-89" → "+79123456789"; empty → None."""
    value = value.strip()
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise VE("Телефон не распознан: введите, например, 8 912 345-67-89.", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > 120 or not _EMAIL.match(value):
        raise VE("E-mail не распознан: проверьте адрес (например, ivanov@mail.ru).", "email")
    return value


def applicant_for_account(db: Database, account_id: int) -> Applicant:
    """The account's holder with contacts and address: the form starts filled in."""
    with db.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Лицевой счёт не найден.")
        supplier = session.get(Supplier, account.supplier_id)
        premise = session.get(Premise, account.premise_id)
        holder = holder_of(session, account_id)
        name = person_name(holder) if holder is not None else ""
        return Applicant(
            account_id=account.id,
            account_number=account.number,
            supplier_id=account.supplier_id,
            supplier_name=supplier.short_name if supplier else "",
            customer_id=holder.id if holder else None,
            name=name,
            phone=(holder.phone if holder else None) or "",
            email=(holder.email if holder else None) or account.delivery_email or "",
            address=premise_address(premise) if premise else "",
        )


def _validate(draft: AppealDraft, max_bytes: int) -> tuple[str, str | None, str | None, str]:
    name = " ".join(draft.applicant_name.split())
    if not name:
        raise VE("Укажите, от кого обращение (ФИО).", "applicant_name")
    if len(name) > 250:
        raise VE("ФИО слишком длинное (до 250 знаков).", "applicant_name")
    if draft.topic_id is None:
        raise VE("Выберите тему обращения.", "topic")
    phone = normalise_phone(draft.phone)
    email = normalise_email(draft.email)
    if draft.channel is AppealChannel.EMAIL and email is None:
        raise VE("Ответ по e-mail: укажите адрес электронной почты.", "email")
    if draft.account_id is None and phone is None and email is None:
        raise VE("Без лицевого счёта укажите телефон или e-mail для ответа.", "phone")
    text = draft.text.strip()
    if draft.kind is AppealKind.SERVICE_ORDER:
        if draft.paid_service_id is None:
            raise VE("Выберите услугу из прейскуранта.", "paid_service")
    elif not text:
        raise VE("Изложите суть обращения.", "text")
    if len(text) > MAX_TEXT:
        raise VE(f"Текст обращения длиннее {MAX_TEXT} знаков: сократите его.", "text")
    for att in draft.attachments:
        appeal_attachments.media_type(att, max_bytes)
    return name, phone, email, text


def register(
    db: Database,
    actor: Actor,
    draft: AppealDraft,
    *,
    now: dt.datetime | None = None,
    max_attachment_bytes: int = 10 * 1024 * 1024,
) -> Registered:
    """Register an appeal and give it its number ``<supplier>-<year>-<000001>``.

    The same ``idempotency_key`` twice returns the first registration (a retried submit after
    a lost connection must not make a second appeal).
    """
    # Enum members may arrive as their plain string values (from a Qt combo box's data).
    draft = replace(draft, kind=AppealKind(draft.kind), channel=AppealChannel(draft.channel))
    name, phone, email, text = _validate(draft, max_attachment_bytes)
    try:
        return _register(db, actor, draft, name, phone, email, text, now, max_attachment_bytes)
    except exc.IntegrityError:
        # Two submissions of one form raced; the other one won: hand back its number.
        found = _by_key(db, draft.idempotency_key)
        if found is None:
            raise
        return found


def _by_key(db: Database, key: str | None) -> Registered | None:
    if key is None:
        return None
    with db.read() as session:
        row = session.scalar(select(Appeal).where(Appeal.idempotency_key == key))
        return None if row is None else _registered(session, row, created=False)


def _registered(session: Session, row: Appeal, *, created: bool) -> Registered:
    assignee = session.get(Staff, row.assigned_to_staff_id) if row.assigned_to_staff_id else None
    return Registered(
        row.id,
        row.number,
        stored_utc(row.registered_at),
        row.due_on,
        assignee.full_name if assignee else None,
        created,
    )


def _register(
    db: Database,
    actor: Actor,
    draft: AppealDraft,
    name: str,
    phone: str | None,
    email: str | None,
    text: str,
    now: dt.datetime | None,
    max_bytes: int,
) -> Registered:
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    today = now.astimezone().date()
    with db.transaction() as session:
        if draft.idempotency_key:
            earlier = session.scalar(
                select(Appeal).where(Appeal.idempotency_key == draft.idempotency_key)
            )
            if earlier is not None:
                return _registered(session, earlier, created=False)
        topic = session.get(AppealTopic, draft.topic_id)
        if topic is None:
            raise VE("Такой темы обращения нет: выберите из списка.", "topic")
        account, customer_id = None, None
        if draft.account_id is not None:
            account = session.get(Account, draft.account_id)
            if account is None:
                raise NotFoundError("Лицевой счёт не найден.")
            holder = holder_of(session, account.id)
            customer_id = holder.id if holder else None
        supplier = _supplier(session, actor, account, draft.supplier_id)
        service = _paid_service(session, draft)
        dispute = routing.check_dispute(
            session, account, draft.disputes_refund_id, draft.disputes_charge_id
        )
        assignee = None
        if dispute is not None:
            assignee = routing.pick_supervisor(session, dispute.decided_by, actor.office_id)
        seq = sequences.next_value(session, f"appeal:{supplier.code}", today.year)
        if service is not None and not text:
            text = f"Заказ услуги «{service.name}»."
        row = Appeal(
            number=f"{supplier.code}-{today.year}-{seq:06d}",
            kind=draft.kind,
            supplier_id=supplier.id,
            office_id=actor.office_id,
            account_id=account.id if account else None,
            customer_id=customer_id,
            applicant_name=name,
            phone=phone,
            email=email,
            channel=draft.channel,
            topic_id=topic.id,
            text=text,
            status=AppealStatus.IN_PROGRESS if assignee else AppealStatus.REGISTERED,
            registered_at=now,
            registered_by_staff_id=actor.staff_id,
            due_on=today + dt.timedelta(days=topic.deadline_days),
            assigned_to_staff_id=assignee.id if assignee else None,
            paid_service_id=service.id if service else None,
            price=service.price if service else None,
            disputes_refund_id=draft.disputes_refund_id,
            disputes_charge_id=draft.disputes_charge_id,
            idempotency_key=draft.idempotency_key,
        )
        session.add(row)
        session.flush()
        for att in draft.attachments:
            appeal_attachments.store(session, actor, row.id, att, max_bytes)
        audit.record(
            session,
            actor,
            AuditAction.APPEAL_REGISTER,
            "appeal",
            row.id,
            account_id=row.account_id,
            after=audit.snapshot(
                row,
                "number",
                "kind",
                "channel",
                "topic_id",
                "applicant_name",
                "due_on",
                "paid_service_id",
                "price",
                "disputes_refund_id",
                "disputes_charge_id",
            ),
        )
        if assignee is not None:
            audit.record(
                session,
                actor,
                AuditAction.APPEAL_ASSIGN,
                "appeal",
                row.id,
                account_id=row.account_id,
                after={
                    "assigned_to_staff_id": assignee.id,
                    "assignee": assignee.full_name,
                    "routed_past": dispute.decided_by if dispute else None,
                },
            )
        return _registered(session, row, created=True)


def _supplier(
    session: Session, actor: Actor, account: Account | None, supplier_id: int | None
) -> Supplier:
    if account is not None:
        supplier_id = account.supplier_id
    elif supplier_id is None and actor.office_id is not None:
        office = session.get(Office, actor.office_id)
        supplier_id = office.supplier_id if office else None
    supplier = session.get(Supplier, supplier_id) if supplier_id is not None else None
    if supplier is None:
        raise VE("Не выбран поставщик: выберите офис или лицевой счёт.", "supplier")
    return supplier


def _paid_service(session: Session, draft: AppealDraft) -> PaidService | None:
    if draft.kind is not AppealKind.SERVICE_ORDER:
        return None
    service = session.get(PaidService, draft.paid_service_id)
    if service is None or not service.is_active:
        raise VE("Этой услуги нет в действующем прейскуранте.", "paid_service")
    return service


@dataclass(frozen=True)
class FormData:
    """Everything the registration form offers: topics, services, the holder, decisions."""

    topics: tuple[catalog.Topic, ...]
    services: tuple[catalog.PaidServiceItem, ...]
    applicant: Applicant | None
    decisions: tuple[routing.Decision, ...]


def form_data(db: Database, account_id: int | None) -> FormData:
    applicant = applicant_for_account(db, account_id) if account_id is not None else None
    decisions = routing.disputable_decisions(db, account_id) if account_id else ()
    return FormData(catalog.topics(db), catalog.paid_services(db), applicant, decisions)
