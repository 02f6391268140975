"""Refund applications (заявления на возврат переплаты): registration and the dual-control workflow.

зарегистрировано → на рассмотрении → одобрено / отклонено → выплачено → закрыто. The staff member
who registered an application never decides it; approval re-checks the overpayment under a lock
on the account and appends the ledger entry that takes it down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import (
    Attachment,
    Customer,
    LedgerEntry,
    Payment,
    RefundApplication,
    RefundApplicationPayment,
)
from console.models.enums import AuditAction, LedgerKind, RefundPayout, RefundReason, RefundStatus
from console.services.account.holders import is_bound
from console.services.billing.periods import open_month
from console.services.core import validators
from console.services.core.database import Database
from console.services.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.core.formatting import KOPECK, money
from console.services.core.sequences import next_value
from console.services.files.scans import AttachmentFile, media_type
from console.services.fiscal.device import CashRegister, FiscalAttributes
from console.services.payments.counter import (
    account_balance,
    lock_account,
    main_service_id,
    office_code,
)
from console.services.payments.day_lock import refuse_closed_day
from console.services.privacy import identity
from console.services.refunds.payout import issue_refund_cheque, payment_order, refund_cheque
from console.services.refunds.queries import (
    RefundDetails,
    get_refund,
    reserved_amount,
)
from console.services.refunds.queries import list_for_account as list_for_account
from console.services.refunds.queries import refund_context as refund_context
from console.services.refunds.queries import review_queue as review_queue
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.permissions import (
    require_second_person,
    require_staff,
    require_supervisor,
)
from console.services.vocabulary.labels import label

__all__ = [
    "AttachmentFile",
    "RefundPayout",
    "RefundReason",
    "RefundRequest",
    "RefundStatus",
    "approve",
    "close",
    "list_for_account",
    "mark_paid",
    "refund_context",
    "register_refund",
    "reject",
    "review_queue",
    "start_review",
]


@dataclass(frozen=True)
class RefundRequest:
    """The registration form: who asks, how much, why, for which payments, how to pay out."""

    account_id: int
    applicant_id: int
    passport: str
    amount: Decimal
    reason: RefundReason
    payout: RefundPayout
    payment_ids: tuple[int, ...] = ()
    recipient_name: str | None = None
    bic: str | None = None
    settlement_account: str | None = None
    attachments: tuple[AttachmentFile, ...] = ()


def _check_applicant(session: Session, actor: Actor, request: RefundRequest) -> Customer:
    bound = is_bound(session, request.account_id, request.applicant_id)
    customer = session.get(Customer, request.applicant_id)
    if not bound or customer is None:
        raise ValidationError("Заявитель не привязан к этому лицевому счёту.", "applicant")
    if not customer.passport_masked:
        raise ValidationError(
            "В карточке клиента нет паспорта: сначала внесите паспортные данные.", "passport"
        )
    shown = "".join(ch for ch in request.passport if ch.isdigit())
    # Compared by the keyed hash, nothing revealed; a mismatch is recorded.
    if len(shown) != 10 or not identity.matches(session, actor, customer.id, shown[:4], shown[4:]):
        raise ValidationError(
            "Паспорт не совпадает с паспортом клиента в базе: проверьте серию и номер.",
            "passport",
        )
    return customer


def _check_amount(session: Session, request: RefundRequest) -> None:
    amount = request.amount
    if amount != amount.quantize(KOPECK) or amount <= 0:
        raise ValidationError("Укажите сумму возврата больше нуля, в рублях и копейках.", "amount")
    overpayment = -account_balance(session, request.account_id)
    if overpayment <= 0:
        raise ValidationError("На лицевом счёте нет переплаты — возвращать нечего.", "amount")
    reserved = reserved_amount(session, request.account_id)
    if amount > overpayment - reserved:
        tail = f", из неё {money(reserved)} ₽ уже в других заявлениях" if reserved else ""
        raise ValidationError(
            f"Сумма возврата {money(amount)} ₽ больше переплаты на лицевом счёте "
            f"({money(overpayment)} ₽{tail}).",
            "amount",
        )


def _check_payments(session: Session, request: RefundRequest) -> None:
    ids = set(request.payment_ids)
    if request.reason in (RefundReason.WRONG_PAYMENT, RefundReason.DOUBLE_PAYMENT) and not ids:
        raise ValidationError("Отметьте платёж, о котором заявление.", "payments")
    if ids:
        found = set(
            session.scalars(
                select(Payment.id).where(
                    Payment.id.in_(ids),
                    Payment.account_id == request.account_id,
                    Payment.reversal_of_id.is_(None),
                )
            )
        )
        if found != ids:
            raise ValidationError("Отмеченный платёж не относится к этому счёту.", "payments")


def _payout(request: RefundRequest) -> tuple[str | None, str | None, str | None]:
    if request.payout is RefundPayout.CASH:
        return None, None, None
    recipient = (request.recipient_name or "").strip()
    if not recipient:
        raise ValidationError("Укажите получателя перевода.", "recipient_name")
    bic = validators.bic(request.bic or "")
    account = validators.settlement_account(bic, request.settlement_account or "")
    return recipient[:200], bic, account


def register_refund(
    db: Database,
    actor: Actor,
    request: RefundRequest,
    *,
    deadline_days: int = 30,
    attachment_max_bytes: int = 10 * 1024 * 1024,
    idempotency_key: str | None = None,
) -> RefundDetails:
    """Register an application; returns it with its number and due date."""
    if actor.staff_id is None:
        raise PermissionDeniedError("Заявление регистрирует сотрудник офиса.")
    if request.reason not in frozenset(RefundReason):
        raise ValidationError("Выберите причину возврата.", "reason")
    recipient, bic, settlement = _payout(request)
    files = [(item, media_type(item, attachment_max_bytes)) for item in request.attachments]
    earlier = _by_key(db, idempotency_key)
    if earlier is not None:
        return get_refund(db, earlier)
    try:
        with db.transaction() as session:
            lock_account(session, request.account_id)
            _check_applicant(session, actor, request)
            _check_payments(session, request)
            _check_amount(session, request)
            now = dt.datetime.now(dt.UTC)
            year = now.astimezone().year
            refund = RefundApplication(
                number=f"ВЗ-{year}-{next_value(session, 'refund', year):05d}",
                account_id=request.account_id, applicant_id=request.applicant_id,
                amount=request.amount, reason=request.reason, payout=request.payout,
                recipient_name=recipient, bic=bic, settlement_account=settlement,
                status=RefundStatus.REGISTERED, registered_at=now,
                registered_by_staff_id=actor.staff_id, office_id=actor.office_id,
                due_on=now.astimezone().date() + dt.timedelta(days=deadline_days),
                idempotency_key=idempotency_key,
            )  # fmt: skip
            session.add(refund)
            session.flush()
            for pid in sorted(set(request.payment_ids)):
                session.add(RefundApplicationPayment(refund_id=refund.id, payment_id=pid))
            for item, kind in files:
                session.add(
                    Attachment(
                        owner_type="refund_application", owner_id=refund.id,
                        filename=item.filename[-255:], media_type=kind, size=len(item.content),
                        content=item.content, staff_id=actor.staff_id,
                    )
                )  # fmt: skip
            after = audit.snapshot(refund, "number", "amount", "reason", "payout", "due_on")
            after |= {"payments": sorted(set(request.payment_ids)), "attachments": len(files)}
            audit.record(
                session, actor, AuditAction.REFUND_REGISTER, "refund_application", refund.id,
                account_id=request.account_id, after=after,
            )  # fmt: skip
            refund_id = refund.id
    except IntegrityError:
        # A double click raced us: the twin holds the same idempotency key.
        earlier = _by_key(db, idempotency_key)
        if earlier is None:
            raise
        refund_id = earlier
    return get_refund(db, refund_id)


def _by_key(db: Database, key: str | None) -> int | None:
    if not key:
        return None
    with db.read() as session:
        return session.scalar(
            select(RefundApplication.id).where(RefundApplication.idempotency_key == key)
        )


def _load(session: Session, refund_id: int) -> RefundApplication:
    refund = session.scalar(
        select(RefundApplication).where(RefundApplication.id == refund_id).with_for_update()
    )
    if refund is None:
        raise NotFoundError("Заявление на возврат не найдено.")
    return refund


#: The only steps an application takes; approved and paid never go back (the ledger entry of
#: the approval stays), closed is the end.
ALLOWED_MOVES: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.REGISTERED: frozenset({RefundStatus.UNDER_REVIEW}),
    RefundStatus.UNDER_REVIEW: frozenset({RefundStatus.APPROVED, RefundStatus.REJECTED}),
    RefundStatus.APPROVED: frozenset({RefundStatus.PAID}),
    RefundStatus.REJECTED: frozenset({RefundStatus.CLOSED}),
    RefundStatus.PAID: frozenset({RefundStatus.CLOSED}),
    RefundStatus.CLOSED: frozenset(),
}


def _decider(actor: Actor, refund: RefundApplication) -> None:
    """A supervisor, signed in as themselves, who did not register the application."""
    require_staff(actor, "решение по заявлению на возврат")
    if not actor.is_supervisor:
        raise PermissionDeniedError("Решение по заявлению принимает руководитель офиса.")
    require_second_person(actor, refund.registered_by_staff_id, "Заявление")


#: The audit action of each step an application takes.
_MOVE_ACTION: dict[RefundStatus, AuditAction] = {
    RefundStatus.UNDER_REVIEW: AuditAction.REFUND_UNDER_REVIEW,
    RefundStatus.APPROVED: AuditAction.REFUND_APPROVED,
    RefundStatus.REJECTED: AuditAction.REFUND_REJECTED,
    RefundStatus.PAID: AuditAction.REFUND_PAID,
    RefundStatus.CLOSED: AuditAction.REFUND_CLOSED,
}


def _move(
    session: Session, actor: Actor, refund: RefundApplication, to: RefundStatus, **extra: object
) -> None:
    before = refund.status
    if to not in ALLOWED_MOVES[before]:
        raise ConflictError(
            f"Заявление в статусе «{label(before)}» нельзя перевести в статус «{label(to)}»."
        )
    refund.status = to
    audit.record(
        session, actor, _MOVE_ACTION[to], "refund_application", refund.id,
        account_id=refund.account_id, before={"status": before},
        after={"status": to} | {k: v for k, v in extra.items() if v is not None},
    )  # fmt: skip


def start_review(db: Database, actor: Actor, refund_id: int) -> RefundDetails:
    """Зарегистрировано → на рассмотрении, by a supervisor other than the registrar."""
    with db.transaction() as session:
        refund = _load(session, refund_id)
        _decider(actor, refund)
        if refund.status is not RefundStatus.REGISTERED:
            raise ConflictError(f"Заявление уже в статусе «{label(refund.status)}».")
        refund.reviewed_by_staff_id = actor.staff_id
        _move(session, actor, refund, RefundStatus.UNDER_REVIEW)
    return get_refund(db, refund_id)


def _take_into_review(session: Session, actor: Actor, refund: RefundApplication) -> None:
    _decider(actor, refund)
    if refund.status is RefundStatus.REGISTERED:
        _move(session, actor, refund, RefundStatus.UNDER_REVIEW)
    elif refund.status is not RefundStatus.UNDER_REVIEW:
        raise ConflictError(f"Заявление уже в статусе «{label(refund.status)}».")


def approve(db: Database, actor: Actor, refund_id: int, note: str = "") -> RefundDetails:
    """Одобрить: re-check the overpayment under the account lock, then append the refund entry."""
    with db.transaction() as session:
        refund = _load(session, refund_id)
        _decider(actor, refund)
        lock_account(session, refund.account_id)
        _take_into_review(session, actor, refund)
        overpayment = -account_balance(session, refund.account_id)
        if refund.amount > overpayment:
            raise ConflictError(
                f"Переплата на счёте сейчас {money(max(overpayment, Decimal(0)))} ₽ — меньше "
                f"суммы заявления {money(refund.amount)} ₽. Заявление не одобрено: отклоните "
                "его или дождитесь поступлений."
            )
        now = dt.datetime.now(dt.UTC)
        refund.reviewed_by_staff_id = actor.staff_id
        refund.decided_at = now
        refund.decision_reason = note.strip() or None
        _move(session, actor, refund, RefundStatus.APPROVED, note=refund.decision_reason)
        # The decision first: on PostgreSQL the refund entry needs an application approved now.
        session.flush()
        period = open_month(session, now.astimezone().date())
        session.add(
            LedgerEntry(
                account_id=refund.account_id, period=period,
                kind=LedgerKind.REFUND, amount=refund.amount,
                service_id=main_service_id(session), refund_id=refund.id,
                staff_id=actor.staff_id,
                description=f"Возврат переплаты по заявлению № {refund.number}",
            )
        )  # fmt: skip
    return get_refund(db, refund_id)


def reject(db: Database, actor: Actor, refund_id: int, reason: str) -> RefundDetails:
    """Отклонить, with the reason the customer will read in the decision letter."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Укажите причину отказа: она будет в письме заявителю.", "reason")
    with db.transaction() as session:
        refund = _load(session, refund_id)
        _take_into_review(session, actor, refund)
        refund.reviewed_by_staff_id = actor.staff_id
        refund.decided_at = dt.datetime.now(dt.UTC)
        refund.decision_reason = reason
        _move(session, actor, refund, RefundStatus.REJECTED, reason=reason)
    return get_refund(db, refund_id)


def mark_paid(
    db: Database,
    actor: Actor,
    refund_id: int,
    *,
    register: CashRegister | None = None,
    order_number: str = "",
    order_date: str | dt.date | None = None,
) -> RefundDetails:
    """Одобрено → выплачено, a supervisor's. In cash: a «возврат прихода» cheque on
    ``register`` (none without a cash register) and a расходный кассовый ордер (КО-2) number;
    by transfer: the payment order's number and date, required."""
    require_staff(actor, "отметка о выплате")
    require_supervisor(actor, "отметка о выплате")
    with db.read() as session:
        found = session.get(RefundApplication, refund_id)
        if found is None:
            raise NotFoundError("Заявление на возврат не найдено.")
        if found.status is not RefundStatus.APPROVED:
            raise ConflictError("Выплатить можно только одобренное заявление.")
        payout, decided_at = found.payout, found.decided_at
        if payout is RefundPayout.CASH:
            if actor.office_id is None:
                raise ValidationError(
                    "Наличные выдаёт касса офиса: рабочее место не привязано к офису.", "payout"
                )
            # Before any cheque: no refund cheque for a day that cannot take the payout.
            refuse_closed_day(session, actor.office_id, dt.datetime.now(dt.UTC), lock=False)
            cheque = refund_cheque(session, actor, found)
    if payout is RefundPayout.CASH:
        fiscal = (
            issue_refund_cheque(db, register, actor, refund_id, cheque)
            if register is not None and register.fiscal
            else None
        )
        return _pay_cash(db, actor, refund_id, cheque.key, fiscal)
    number, day = payment_order(order_number, order_date, decided_at)
    with db.transaction() as session:
        refund = _load(session, refund_id)
        if refund.status is not RefundStatus.APPROVED:
            raise ConflictError("Выплатить можно только одобренное заявление.")
        refund.paid_at = dt.datetime.now(dt.UTC)
        refund.paid_by_staff_id, refund.paid_office_id = actor.staff_id, actor.office_id
        refund.payment_order_number, refund.payment_order_date = number, day
        _move(session, actor, refund, RefundStatus.PAID, payment_order_number=number,
              payment_order_date=day.isoformat())  # fmt: skip
    return get_refund(db, refund_id)


def _pay_cash(
    db: Database, actor: Actor, refund_id: int, key: str, fiscal: FiscalAttributes | None
) -> RefundDetails:
    with db.transaction() as session:
        refund = _load(session, refund_id)
        if refund.status is not RefundStatus.APPROVED:
            raise ConflictError("Выплатить можно только одобренное заявление.")
        now = dt.datetime.now(dt.UTC)
        refuse_closed_day(session, actor.office_id, now)
        code = office_code(session, actor.office_id)
        year = now.astimezone().year
        order = f"РКО-{code}-{year}-{next_value(session, f'cash_order:{code}', year):05d}"
        refund.paid_at = now
        refund.paid_by_staff_id, refund.paid_office_id = actor.staff_id, actor.office_id
        refund.cash_order_number = order
        if fiscal is not None:
            refund.cheque_key = key
            refund.cheque_fn_number, refund.cheque_fd_number = fiscal.fn_number, fiscal.fd_number
            refund.cheque_fiscal_sign, refund.cheque_shift = fiscal.fiscal_sign, fiscal.shift_number
            refund.cheque_at = fiscal.registered_at
        _move(session, actor, refund, RefundStatus.PAID, cash_order_number=order,
              cheque_fd_number=fiscal.fd_number if fiscal else None)  # fmt: skip
        audit.record(
            session, actor, AuditAction.REFUND_CASH_ORDER, "refund_application", refund.id,
            account_id=refund.account_id,
            after={"cash_order_number": order, "amount": refund.amount},
        )  # fmt: skip
    return get_refund(db, refund_id)


def close(db: Database, actor: Actor, refund_id: int) -> RefundDetails:
    """Выплачено или отклонено → закрыто; a supervisor's."""
    require_staff(actor, "закрытие заявления")
    require_supervisor(actor, "закрытие заявления")
    with db.transaction() as session:
        refund = _load(session, refund_id)
        if refund.status not in (RefundStatus.PAID, RefundStatus.REJECTED):
            raise ConflictError("Закрыть можно выплаченное или отклонённое заявление.")
        refund.closed_at = dt.datetime.now(dt.UTC)
        _move(session, actor, refund, RefundStatus.CLOSED)
    return get_refund(db, refund_id)
