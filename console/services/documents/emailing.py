"""Payment documents by e-mail: the monthly run, one document from the card, the delivery log.

The PDF sent is the stored original (``issued_documents``, the same bytes a reprint gives). Each
send is a row of ``email_deliveries``; the monthly run makes one per account and month, so a
rerun sends nothing twice.

Between the SMTP server's «250 accepted» and our commit of «sent» the desk may die. The row is
committed as «sending», with the Message-ID chosen for it, *before* the SMTP transaction; a row
left «sending» longer than ``STALE_SENDING`` is sent again by the next run under the same
Message-ID. So the choice is **at least once**: a customer may, after a crash in that instant,
receive the same bill twice (same Message-ID, which mail clients and servers use to fold
duplicates), but a bill is never silently lost. A fresh «sending» row (another desk is sending
it now) is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import exc, func, or_, select, update
from sqlalchemy.engine import CursorResult

from console.models import (
    Account,
    AccountStatement,
    BillingPeriod,
    EmailDelivery,
    IssuedDocument,
    Supplier,
)
from console.models.enums import (
    AuditAction,
    BillDelivery,
    DocumentKind,
    EmailKind,
    EmailStatus,
    PeriodStatus,
)
from console.services.core.database import Database
from console.services.core.errors import (
    ConsoleError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.core.formatting import month_year
from console.services.documents import data
from console.services.documents.issue import issue_payment_document
from console.services.mail.message import Attachment, build_message, mask_address, new_message_id
from console.services.mail.transport import Outcome, SendResult, SmtpConfig, SmtpSession
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label_of

log = logging.getLogger(__name__)

#: A row «sending» for longer than this was left by a desk that died mid-send: sent again.
STALE_SENDING = dt.timedelta(minutes=15)
DEFAULT_RETRY = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class MailRunResult:
    """What one run did for a month."""

    period: dt.date
    accounts: int  # e-mail-delivery accounts billed that month
    sent: int
    failed: int  # will be retried
    bounced: int
    already_sent: int
    waiting: int  # failed before, next attempt not due yet
    run_id: str
    not_queued: int = 0  # the document could not be issued: tried again next run


@dataclass(frozen=True)
class DeliveryLine:
    """One row of the card's delivery log (the address masked)."""

    id: int
    period: dt.date
    kind_label: str
    status: EmailStatus
    status_label: str
    address_masked: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    last_error: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def email_month(
    db: Database,
    actor: Actor,
    config: SmtpConfig,
    period: dt.date | None = None,
    *,
    password: str | None = None,
    retry_after: dt.timedelta = DEFAULT_RETRY,
    progress: Callable[[int, int], None] | None = None,
) -> MailRunResult:
    """E-mail each e-mail-delivery account its document for ``period`` (default: the last
    closed month); send what is queued or due for a retry; never what was sent."""
    if not actor.is_supervisor:
        raise PermissionDeniedError(
            "Запускать рассылку платёжных документов может только руководитель офиса."
        )
    period = (period or data.last_closed_period(db)).replace(day=1)
    run_id = str(uuid.uuid4())
    smtp = SmtpSession(config, password)  # no password, no run: told before anything is queued
    accounts, not_queued = _queue_monthly(db, actor, period, run_id)
    now = _now()
    with db.read() as session:
        rows = session.execute(
            select(EmailDelivery.id, EmailDelivery.kind, EmailDelivery.status,
                   EmailDelivery.next_attempt_at, EmailDelivery.updated_at)
            .where(EmailDelivery.period == period)
            .order_by(EmailDelivery.id)
        ).all()  # fmt: skip
    # The month's monthly rows, and a clerk's sends from the card that failed: retried alike.
    due = [r.id for r in rows if _is_due(r.status, r.next_attempt_at, r.updated_at, now)]
    already = sum(1 for r in rows if r.status is EmailStatus.SENT and r.kind is EmailKind.MONTHLY)
    waiting = sum(1 for r in rows if r.status is EmailStatus.FAILED and r.id not in due)
    counts = {EmailStatus.SENT: 0, EmailStatus.FAILED: 0, EmailStatus.BOUNCED: 0}
    with smtp:
        for done, delivery_id in enumerate(due, 1):
            status = _attempt(db, actor, config, smtp, delivery_id, retry_after)
            if status in counts:
                counts[status] += 1
            if progress is not None:
                progress(done, len(due))
    result = MailRunResult(
        period=period, accounts=accounts, sent=counts[EmailStatus.SENT],
        failed=counts[EmailStatus.FAILED], bounced=counts[EmailStatus.BOUNCED],
        already_sent=already, waiting=waiting, run_id=run_id, not_queued=not_queued,
    )  # fmt: skip
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.DOCUMENT_EMAIL_RUN, "document", run_id,
            after={"period": period, "sent": result.sent, "failed": result.failed,
                   "bounced": result.bounced, "skipped": already},
        )  # fmt: skip
    log.info(
        "e-mail run %s for %s: %d sent, %d failed, %d bounced, %d sent before",
        run_id, period, result.sent, result.failed, result.bounced, already,
    )  # fmt: skip
    return result


def _is_due(
    status: EmailStatus,
    next_attempt_at: dt.datetime | None,
    updated_at: dt.datetime,
    now: dt.datetime,
) -> bool:
    if status is EmailStatus.QUEUED:
        return True
    if status is EmailStatus.FAILED:
        return next_attempt_at is None or _aware(next_attempt_at) <= now
    if status is EmailStatus.SENDING:  # a desk died between the server's answer and our commit
        return _aware(updated_at) <= now - STALE_SENDING
    return False


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _queue_monthly(db: Database, actor: Actor, period: dt.date, run_id: str) -> tuple[int, int]:
    """A queued row for every e-mail-delivery account billed that month that has none yet.
    Returns (accounts, accounts whose document could not be issued: left for the next run)."""
    billed = select(AccountStatement.account_id).where(AccountStatement.period == period)
    have = select(EmailDelivery.account_id).where(
        EmailDelivery.period == period, EmailDelivery.kind == EmailKind.MONTHLY
    )
    with db.read() as session:
        wanted = session.execute(
            select(Account.id, Account.number)
            .where(
                Account.bill_delivery == BillDelivery.EMAIL,
                Account.delivery_email.is_not(None),
                Account.id.in_(billed),
            )
            .order_by(Account.number)
        ).all()
        queued = set(session.scalars(have))
    skipped = 0
    for account_id, number in wanted:
        if account_id in queued:
            continue
        try:
            _enqueue(db, actor, account_id, period, EmailKind.MONTHLY, run_id)
        except exc.IntegrityError:
            continue  # another desk queued it a moment ago: theirs is the one
        except (NotFoundError, ValidationError) as err:
            # One account's document cannot be issued: the others still go; this one is tried
            # again by the next run (nothing was queued for it).
            log.warning("e-mail run: %s for %s not queued (%s)", number, period,
                        type(err).__name__)  # fmt: skip
            skipped += 1
    return len(wanted), skipped


def _stored_document(db: Database, actor: Actor, account_id: int, period: dt.date) -> int:
    """The id of the account's stored document for the month, issuing it if none is stored."""
    with db.read() as session:
        stored = session.scalar(
            select(IssuedDocument.id)
            .where(
                IssuedDocument.kind == DocumentKind.PAYMENT_DOCUMENT,
                IssuedDocument.account_id == account_id,
                IssuedDocument.period == period,
            )
            .order_by(IssuedDocument.id)
            .limit(1)
        )
    if stored is not None:
        return stored
    return issue_payment_document(db, actor, account_id, period).id


def _enqueue(
    db: Database, actor: Actor, account_id: int, period: dt.date, kind: EmailKind, run_id: str
) -> int:
    document_id = _stored_document(db, actor, account_id, period)
    now = _now()
    with db.transaction() as session:
        account = session.get(Account, account_id)
        document = session.get(IssuedDocument, document_id)
        if account is None or document is None:
            raise NotFoundError("Лицевой счёт или документ не найден.")
        if not account.delivery_email:
            raise ValidationError(
                f"У лицевого счёта {account.number} не указан адрес e-mail для платёжных "
                "документов: укажите его в анкете клиента (доставка по e-mail).",
                "email",
            )
        copy = 1
        if kind is EmailKind.MANUAL:
            copy = 1 + (
                session.scalar(
                    select(func.max(EmailDelivery.copy)).where(
                        EmailDelivery.account_id == account_id,
                        EmailDelivery.period == period,
                        EmailDelivery.kind == kind,
                    )
                )
                or 0
            )
        row = EmailDelivery(
            account_id=account_id, period=period, kind=kind, copy=copy, document_id=document.id,
            sha256=document.sha256, address=account.delivery_email, status=EmailStatus.QUEUED,
            attempts=0, run_id=run_id, created_at=now, updated_at=now, staff_id=actor.staff_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def _attempt(
    db: Database,
    actor: Actor,
    config: SmtpConfig,
    smtp: SmtpSession,
    delivery_id: int,
    retry_after: dt.timedelta,
) -> EmailStatus | None:
    """Claim the row («sending», committed), hand the message to the server, record the answer.
    None: another desk claimed it first."""
    now = _now()
    with db.transaction() as session:
        row = session.get(EmailDelivery, delivery_id)
        assert row is not None
        if not _is_due(row.status, row.next_attempt_at, row.updated_at, now):
            return None
        account = session.get(Account, row.account_id)
        document = session.get(IssuedDocument, row.document_id)
        assert account is not None and document is not None
        supplier = session.get(Supplier, account.supplier_id)
        assert supplier is not None
        if hashlib.sha256(document.content).hexdigest() != row.sha256:
            raise ConsoleError(
                f"Сохранённый документ счёта {account.number} повреждён (контрольная сумма не "
                "совпадает): сообщите администратору."
            )
        message_id = row.message_id or new_message_id(config.sender)
        claimed = session.execute(
            update(EmailDelivery)
            .where(
                EmailDelivery.id == delivery_id,
                EmailDelivery.status == row.status,
                EmailDelivery.attempts == row.attempts,
            )
            .values(
                status=EmailStatus.SENDING,
                message_id=message_id,
                attempts=row.attempts + 1,
                updated_at=now,
                sent_at=None,
                sent_by_staff_id=actor.staff_id,
            )  # fmt: skip
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], claimed).rowcount != 1:
            return None
        message = build_message(
            sender=config.sender, sender_name=supplier.short_name or supplier.name,
            to=row.address, reply_to=supplier.email, message_id=message_id,
            subject=subject(account.number, row.period), body=body(supplier, account, row.period),
            attachment=Attachment(file_name(account.number, row.period), document.content),
        )  # fmt: skip
        address, period, number = row.address, row.period, account.number
        account_id = account.id
    try:
        result = smtp.send(message, address)
    except Exception:
        # Not the server's answer but our own failure: the row must not stay «sending».
        failed = SendResult(Outcome.RETRY, None, "Внутренняя ошибка при отправке; будет повтор.")
        _record(db, actor, delivery_id, account_id, number, period, address, failed, retry_after)
        raise
    return _record(db, actor, delivery_id, account_id, number, period, address, result,
                   retry_after)  # fmt: skip


def _record(
    db: Database,
    actor: Actor,
    delivery_id: int,
    account_id: int,
    number: str,
    period: dt.date,
    address: str,
    result: SendResult,
    retry_after: dt.timedelta,
) -> EmailStatus:
    now = _now()
    status, action = {
        Outcome.SENT: (EmailStatus.SENT, AuditAction.DOCUMENT_EMAIL_SENT),
        Outcome.RETRY: (EmailStatus.FAILED, AuditAction.DOCUMENT_EMAIL_FAILED),
        Outcome.BOUNCED: (EmailStatus.BOUNCED, AuditAction.DOCUMENT_EMAIL_BOUNCED),
    }[result.outcome]
    values: dict[str, object] = {
        "status": status, "updated_at": now, "smtp_code": result.code,
        "last_error": result.error[:200] or None,
        "sent_at": now if status is EmailStatus.SENT else None,
        "next_attempt_at": now + retry_after if status is EmailStatus.FAILED else None,
    }  # fmt: skip
    with db.transaction() as session:
        session.execute(
            update(EmailDelivery)
            .where(EmailDelivery.id == delivery_id, EmailDelivery.status == EmailStatus.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session, actor, action, "email_delivery", delivery_id, account_id=account_id,
            after={"period": period, "address": mask_address(address), "status": status,
                   "smtp_code": result.code},
        )  # fmt: skip
    log.info(
        "e-mail of %s for %s to %s: %s%s", number, period, mask_address(address), status.value,
        f" (code {result.code})" if result.code and status is not EmailStatus.SENT else "",
    )  # fmt: skip
    return status


def email_document(
    db: Database,
    actor: Actor,
    config: SmtpConfig,
    account_id: int,
    period: dt.date,
    *,
    password: str | None = None,
    retry_after: dt.timedelta = DEFAULT_RETRY,
) -> DeliveryLine:
    """«Отправить по e-mail» from the card: this month's stored document to the account's address,
    recorded like the monthly run's (a copy of kind «manual»). A failed send stays in the log and
    the next run of that month tries it again, as it does its own rows."""
    period = period.replace(day=1)
    smtp = SmtpSession(config, password)
    delivery_id = None
    for _attempt_no in range(2):  # a second desk may take the same copy number
        try:
            delivery_id = _enqueue(db, actor, account_id, period, EmailKind.MANUAL, "")
            break
        except exc.IntegrityError:
            continue
    if delivery_id is None:
        raise ConsoleError("Не удалось записать отправку: повторите.")
    with smtp:
        _attempt(db, actor, config, smtp, delivery_id, retry_after)
    return next(line for line in delivery_log(db, account_id) if line.id == delivery_id)


def delivery_log(db: Database, account_id: int) -> tuple[DeliveryLine, ...]:
    """Every e-mail of the account's documents, newest month first."""
    with db.read() as session:
        rows = session.scalars(
            select(EmailDelivery)
            .where(EmailDelivery.account_id == account_id)
            .order_by(EmailDelivery.period.desc(), EmailDelivery.id.desc())
        ).all()
        return tuple(
            DeliveryLine(
                id=r.id,
                period=r.period,
                kind_label=label_of(EmailKind, r.kind),
                status=r.status,
                status_label=label_of(EmailStatus, r.status),
                address_masked=mask_address(r.address),
                attempts=r.attempts,
                created_at=r.created_at,
                sent_at=r.sent_at,
                next_attempt_at=r.next_attempt_at,
                last_error=r.last_error or "",
            )  # fmt: skip
            for r in rows
        )


@dataclass(frozen=True)
class DeliveryOverview:
    """The card's tab: how the account gets its documents, and the log."""

    by_email: bool
    address_masked: str  # "" when no address is on file
    lines: tuple[DeliveryLine, ...]


def delivery_overview(db: Database, account_id: int) -> DeliveryOverview:
    with db.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Лицевой счёт не найден.")
        by_email = account.bill_delivery is BillDelivery.EMAIL
        address = mask_address(account.delivery_email) if account.delivery_email else ""
    return DeliveryOverview(by_email, address, delivery_log(db, account_id))


def pending_count(db: Database, period: dt.date) -> int:
    """Monthly sends of the month not yet delivered (queued, sending or failed)."""
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(EmailDelivery)
                .where(
                    EmailDelivery.period == period.replace(day=1),
                    EmailDelivery.kind == EmailKind.MONTHLY,
                    or_(
                        EmailDelivery.status == EmailStatus.QUEUED,
                        EmailDelivery.status == EmailStatus.SENDING,
                        EmailDelivery.status == EmailStatus.FAILED,
                    ),
                )
            )
            or 0
        )


def mailing_months(db: Database, count: int = 6) -> tuple[dt.date, ...]:
    """The newest closed months, newest first: what a monthly run may be started for."""
    with db.read() as session:
        return tuple(
            session.scalars(
                select(BillingPeriod.period)
                .where(BillingPeriod.status == PeriodStatus.CLOSED)
                .order_by(BillingPeriod.period.desc())
                .limit(count)
            )
        )


# --- the message --------------------------------------------------------------------------


def _month(period: dt.date) -> str:
    return f"{month_year(period).lower()} г."


def file_name(number: str, period: dt.date) -> str:
    return f"Платёжный документ {number} {period:%Y-%m}.pdf"


def subject(number: str, period: dt.date) -> str:
    return f"Платёжный документ за {_month(period)}, лицевой счёт {number}"


def body(supplier: Supplier, account: Account, period: dt.date) -> str:
    contacts = ", ".join(
        part
        for part in (
            f"тел. {supplier.phone}" if supplier.phone else "",
            f"e-mail {supplier.email}" if supplier.email else "",
            supplier.site,
        )
        if part
    )
    return (
        "Здравствуйте!\n\n"
        f"Направляем платёжный документ за {_month(period)} по лицевому счёту {account.number}. "
        "Документ — во вложении (PDF); он не отличается от выданного в центре обслуживания "
        "клиентов.\n\n"
        "Оплатить можно в банке или в банковском приложении по QR-коду документа, а также в "
        "центре обслуживания клиентов.\n\n"
        "Вы получаете это письмо, потому что отказались от платёжного документа на бумажном "
        "носителе. Чтобы изменить адрес или вернуться к бумажной доставке, обратитесь в центр "
        "обслуживания клиентов.\n\n"
        f"С уважением,\n{supplier.name}\n{contacts}\n"
    )


def describe(line: DeliveryLine) -> str:
    """One line for a message box: «Отправлено на iv***@mail.ru»."""
    return f"{line.status_label}: {line.address_masked}" + (
        f" — {line.last_error}" if line.last_error else ""
    )
