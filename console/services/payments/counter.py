"""Payments at the counter: dues per service, the split, taking a payment exactly once, reversal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import (
    Account,
    FiscalCheque,
    LedgerEntry,
    Office,
    Payment,
    PaymentAllocation,
    Premise,
    Service,
    Staff,
    Supplier,
)
from console.models.enums import AuditAction, LedgerKind, PaymentMethod, StaffRole
from console.services.account.holders import holder_of
from console.services.billing.periods import open_month
from console.services.core.address_format import person_name, premise_address
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from console.services.core.errors import ValidationError as ValidationError
from console.services.core.formatting import KOPECK, money
from console.services.core.moments import stored_utc
from console.services.core.sequences import next_value
from console.services.fiscal import journal
from console.services.fiscal.device import Cashier, CashRegister, ChequeKind
from console.services.payments.cheques import build_cheque, customer_contact, plausibility
from console.services.payments.day_lock import refuse_closed_day
from console.services.payments.history import account_payments as account_payments
from console.services.payments.history import day_closing as day_closing
from console.services.payments.split import split as split
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.approvals import SupervisorApproval
from console.services.staff.permissions import require_staff
from console.settings import Settings

__all__ = [
    "AccountDues",
    "DueLine",
    "LargePaymentError",
    "PaymentForm",
    "PaymentMethod",
    "PaymentResult",
    "TakenPayment",
    "account_dues",
    "account_payments",
    "day_closing",
    "register_cheque",
    "reverse_payment",
    "split",
    "take_payment",
    "take_payment_with_cheque",
]


@dataclass(frozen=True)
class DueLine:
    """What the account owes one service: ``due`` ≥ 0; ``balance`` is signed (− = аванс)."""

    service_id: int
    service_name: str
    recipient: str
    balance: Decimal
    due: Decimal


@dataclass(frozen=True)
class AccountDues:
    """Everything the payment form needs to open."""

    account_id: int
    account_number: str
    holder: str
    address: str
    balance: Decimal
    min_payment: Decimal
    main_service_id: int
    lines: tuple[DueLine, ...]

    @property
    def total_due(self) -> Decimal:
        return sum((line.due for line in self.lines), Decimal("0.00"))

    def dues(self) -> dict[int, Decimal]:
        return {line.service_id: line.due for line in self.lines}


@dataclass(frozen=True)
class PaymentForm:
    """What the clerk confirmed: total, its split by service, the method and cash received."""

    account_id: int
    total: Decimal
    allocations: Mapping[int, Decimal]
    method: PaymentMethod
    cash_received: Decimal | None = None
    payer: str | None = None
    confirmed: bool = False
    #: The customer's e-mail or phone for the cheque's electronic copy (tag 1008); optional.
    customer_contact: str = ""
    #: The clerk confirmed a sum far above what is due (shown to them in words).
    large_confirmed: bool = False
    #: A supervisor's consent to a sum above the hard ceiling.
    approval: SupervisorApproval | None = None


class LargePaymentError(ValidationError):
    """The sum needs a confirmation (the message spells it out) or a supervisor."""

    def __init__(self, message: str, *, needs_supervisor: bool) -> None:
        super().__init__(message, "total")
        self.needs_supervisor = needs_supervisor


@dataclass(frozen=True)
class PaymentResult:
    """A recorded payment; ``replayed`` is True when the idempotency key found an earlier one."""

    payment_id: int
    account_id: int
    receipt_number: str | None
    amount: Decimal
    method: PaymentMethod
    cash_received: Decimal | None
    paid_at: dt.datetime
    allocations: tuple[tuple[str, Decimal], ...]
    replayed: bool = False
    reversal_of_id: int | None = None
    change: Decimal | None = field(default=None)
    #: The payment's fiscal cheque in the journal (None with no ККТ at this workstation).
    cheque_id: int | None = None


def main_service_id(session: Session) -> int:
    """The account supplier's own service (электроснабжение): advances go there."""
    sid = session.scalar(
        select(Service.id).where(Service.recipient_id.is_(None)).order_by(Service.id).limit(1)
    )
    if sid is None:
        raise NotFoundError("В справочнике нет основной услуги: выполните «console db upgrade».")
    return sid


def lock_account(session: Session, account_id: int) -> Account:
    """The account row, locked on PostgreSQL so balance checks and ledger writes serialise."""
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise NotFoundError("Лицевой счёт не найден.")
    return account


def account_balance(session: Session, account_id: int) -> Decimal:
    """Сальдо: positive = долг, negative = переплата."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    return Decimal(total or 0).quantize(KOPECK)


def holder_and_address(session: Session, account: Account) -> tuple[str, str]:
    customer = holder_of(session, account.id)
    holder = person_name(customer) if customer is not None else ""
    premise = session.get(Premise, account.premise_id)
    address = premise_address(premise) if premise is not None else ""
    return holder, address


def service_balances(session: Session, account_id: int, main_id: int) -> dict[int, Decimal]:
    """Ledger balance per service (entries without a service count to the main one)."""
    balances: dict[int, Decimal] = {main_id: Decimal("0.00")}
    rows = session.execute(
        select(LedgerEntry.service_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.account_id == account_id)
        .group_by(LedgerEntry.service_id)
    ).all()
    for service_id, amount in rows:
        sid = service_id if service_id is not None else main_id
        balances[sid] = balances.get(sid, Decimal("0.00")) + Decimal(amount or 0)
    return {sid: amount.quantize(KOPECK) for sid, amount in balances.items()}


def dues_in_session(session: Session, account: Account) -> AccountDues:
    main_id = main_service_id(session)
    balances = service_balances(session, account.id, main_id)
    supplier = session.get(Supplier, account.supplier_id)
    assert supplier is not None
    services = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(balances)))}
    recipients = {
        s.id: s.short_name
        for s in session.scalars(
            select(Supplier).where(
                Supplier.id.in_({s.recipient_id for s in services.values() if s.recipient_id})
            )
        )
    }
    lines = []
    for sid in sorted(balances, key=lambda s: (s != main_id, s)):
        service = services[sid]
        balance = balances[sid].quantize(KOPECK)
        lines.append(
            DueLine(
                service_id=sid,
                service_name=service.name,
                recipient=recipients.get(service.recipient_id or -1, supplier.short_name),
                balance=balance,
                due=max(balance, Decimal("0.00")),
            )
        )
    holder, address = holder_and_address(session, account)
    return AccountDues(
        account_id=account.id,
        account_number=account.number,
        holder=holder,
        address=address,
        balance=sum(balances.values(), Decimal("0.00")).quantize(KOPECK),
        min_payment=supplier.min_payment,
        main_service_id=main_id,
        lines=tuple(lines),
    )


def account_dues(db: Database, account_id: int) -> AccountDues:
    """What is due per service, from the ledger balance of each service."""
    with db.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Лицевой счёт не найден.")
        return dues_in_session(session, account)


def _result(session: Session, payment: Payment, *, replayed: bool) -> PaymentResult:
    rows = session.execute(
        select(Service.name, PaymentAllocation.amount)
        .join(Service, Service.id == PaymentAllocation.service_id)
        .where(PaymentAllocation.payment_id == payment.id)
        .order_by(PaymentAllocation.id)
    ).all()
    change = None
    if payment.cash_received is not None:
        change = payment.cash_received - payment.amount
    return PaymentResult(
        payment_id=payment.id,
        account_id=payment.account_id,
        receipt_number=payment.receipt_number,
        amount=payment.amount,
        method=payment.method,
        cash_received=payment.cash_received,
        paid_at=stored_utc(payment.paid_at),
        allocations=tuple((name, amount) for name, amount in rows),
        replayed=replayed,
        reversal_of_id=payment.reversal_of_id,
        change=change,
        cheque_id=session.scalar(
            select(FiscalCheque.id).where(FiscalCheque.payment_id == payment.id)
        ),
    )


def find_by_key(db: Database, idempotency_key: str) -> PaymentResult | None:
    """The payment an earlier submission of the same form recorded, if any."""
    with db.read() as session:
        payment = session.scalar(select(Payment).where(Payment.idempotency_key == idempotency_key))
        return None if payment is None else _result(session, payment, replayed=True)


def _check_large(
    session: Session, actor: Actor, form: PaymentForm, dues: AccountDues, settings: Settings
) -> bool:
    """Ask for a confirmation or a supervisor for an implausible sum; True if one was given."""
    check = plausibility(form.total, dues.total_due, form.method, settings)
    if not check.confirm:
        return False
    if not form.large_confirmed:
        raise LargePaymentError(check.message, needs_supervisor=check.supervisor)
    if check.supervisor:
        approval = form.approval
        if approval is None and actor.is_supervisor and actor.staff_id is not None:
            approval = SupervisorApproval.of(actor)
        if approval is None:
            raise LargePaymentError(check.message, needs_supervisor=True)
        approver = session.get(Staff, approval.staff_id)
        if approver is None or not approver.is_active or approver.role not in (
            StaffRole.SUPERVISOR, StaffRole.ADMIN,
        ):  # fmt: skip
            raise LargePaymentError(
                "Подтвердить крупный платёж может только руководитель офиса.",
                needs_supervisor=True,
            )
        if approval.token and session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT set_config('console.approval', :token, true)"),
                {"token": approval.token},
            )
    return True


def _check_form(form: PaymentForm, dues: AccountDues) -> dict[int, Decimal]:
    if not form.confirmed:
        raise ValidationError("Проверьте суммы и отметьте «Итоговая сумма верна».", "confirmed")
    total = form.total
    if total != total.quantize(KOPECK):
        raise ValidationError("Сумма указывается в рублях и копейках.", "total")
    if total <= 0:
        raise ValidationError("Укажите сумму платежа больше нуля.", "total")
    if total < dues.min_payment:
        raise ValidationError(
            f"Минимальная сумма платежа — {money(dues.min_payment, currency=True)}. "
            "Увеличьте сумму.",
            "total",
        )
    known = set(dues.dues())
    parts = {sid: amount for sid, amount in form.allocations.items() if amount != 0}
    if set(parts) - known:
        raise ValidationError("Услуга не относится к этому лицевому счёту.", "allocation")
    if any(a < 0 or a != a.quantize(KOPECK) for a in parts.values()):
        raise ValidationError("Суммы по услугам — не меньше нуля, в копейках.", "allocation")
    allotted = sum(parts.values(), Decimal("0.00"))
    if allotted != total:
        raise ValidationError(
            f"Сумма по услугам ({money(allotted)} ₽) не равна итоговой ({money(total)} ₽).",
            "total",
        )
    if form.method is PaymentMethod.CASH:
        if form.cash_received is None:
            raise ValidationError("Укажите, сколько наличных получено.", "cash_received")
        if form.cash_received < total:
            raise ValidationError(
                f"Получено {money(form.cash_received)} ₽ — меньше суммы платежа {money(total)} ₽.",
                "cash_received",
            )
    elif form.method is PaymentMethod.BANK:
        raise ValidationError("Платежи через банк загружаются из реестра.", "method")
    return parts


def office_code(session: Session, office_id: int | None) -> str:
    office = session.get(Office, office_id) if office_id is not None else None
    return office.code if office is not None else "ЦО"


def record_payment(
    session: Session,
    actor: Actor,
    account: Account,
    parts: Mapping[int, Decimal],
    *,
    method: PaymentMethod,
    paid_at: dt.datetime,
    cash_received: Decimal | None = None,
    payer: str | None = None,
    idempotency_key: str | None = None,
    source: str | None = None,
    external_id: str | None = None,
    numbered: bool = True,
) -> Payment:
    """Payment + allocations + ledger entries (negative) + audit, in the caller's transaction."""
    if source is None:  # taken at the counter: not into a closed cash day
        refuse_closed_day(session, actor.office_id, paid_at)
    amount = sum(parts.values(), Decimal("0.00"))
    payment = Payment(
        account_id=account.id, amount=amount, paid_at=paid_at, method=method,
        cash_received=cash_received if method is PaymentMethod.CASH else None,
        office_id=actor.office_id, staff_id=actor.staff_id, payer=(payer or "").strip() or None,
        idempotency_key=idempotency_key, source=source, external_id=external_id,
    )  # fmt: skip
    session.add(payment)
    session.flush()  # a duplicate key fails here, before the receipt number is taken
    if numbered:
        year = paid_at.astimezone().year
        code = office_code(session, actor.office_id)
        payment.receipt_number = f"{code}-{year}-{next_value(session, f'receipt:{code}', year):06d}"
    # A payment dated in a closed month (a late bank registry) counts in the first open one.
    period = open_month(session, paid_at.astimezone().date())
    for sid, part in parts.items():
        session.add(PaymentAllocation(payment_id=payment.id, service_id=sid, amount=part))
    # The split first: on PostgreSQL a payment's ledger entry must match a stored allocation.
    session.flush()
    for sid, part in parts.items():
        session.add(
            LedgerEntry(
                account_id=account.id, period=period, kind=LedgerKind.PAYMENT, amount=-part,
                service_id=sid, payment_id=payment.id, staff_id=actor.staff_id,
                description=f"Оплата {payment.receipt_number or external_id or ''}".strip(),
            )
        )  # fmt: skip
    session.flush()
    after = audit.snapshot(payment, "amount", "method", "receipt_number", "source", "external_id")
    after["allocations"] = {str(k): v for k, v in parts.items()}
    audit.record(
        session, actor, AuditAction.PAYMENT_CREATE, "payment", payment.id, account_id=account.id,
        after=after,
    )  # fmt: skip
    return payment


def take_payment(
    db: Database,
    actor: Actor,
    form: PaymentForm,
    idempotency_key: str,
    *,
    settings: Settings | None = None,
) -> PaymentResult:
    """Record a counter payment exactly once per ``idempotency_key`` (made when the form opened).

    A retry, a double click or a resubmission after a crash that followed the commit returns the
    first payment (``replayed=True``) instead of recording another. With a ККТ configured
    (``settings.kkt_url``) the payment's fiscal cheque is written "pending" in the same
    transaction (key ``pay-<idempotency key>``); :func:`register_cheque` sends it.
    """
    settings = settings or Settings()
    contact = customer_contact(form.customer_contact)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ValueError("idempotency_key must be 1–64 characters")
    earlier = find_by_key(db, key)
    if earlier is not None:
        return earlier
    try:
        with db.transaction() as session:
            account = lock_account(session, form.account_id)
            # Whoever held the lock before us may have been our own twin submission.
            twin = session.scalar(select(Payment).where(Payment.idempotency_key == key))
            if twin is not None:
                return _result(session, twin, replayed=True)
            dues = dues_in_session(session, account)
            parts = _check_form(form, dues)
            large = _check_large(session, actor, form, dues, settings)
            payment = record_payment(
                session, actor, account, parts, method=form.method,
                paid_at=dt.datetime.now(dt.UTC), cash_received=form.cash_received,
                payer=form.payer, idempotency_key=key,
            )  # fmt: skip
            if large:
                audit.record(
                    session, actor, AuditAction.PAYMENT_LARGE_CONFIRMED, "payment", payment.id,
                    account_id=account.id,
                    after={"amount": payment.amount, "approved_by": (
                        form.approval.staff_id if form.approval else actor.staff_id)},
                )  # fmt: skip
            if settings.kkt_url.strip():
                cheque = build_cheque(
                    session, actor, account, parts, dues.dues(), key=f"pay-{key}",
                    method=form.method, cash_received=form.cash_received, contact=contact,
                    settings=settings,
                )  # fmt: skip
                journal.add_pending(session, actor, cheque, payment_id=payment.id)
            return _result(session, payment, replayed=False)
    except IntegrityError:
        earlier = find_by_key(db, key)
        if earlier is None:
            raise
        return earlier


def register_cheque(
    db: Database, kkt: CashRegister, actor: Actor, result: PaymentResult
) -> journal.ChequeState | None:
    """Send a payment's pending cheque to the ККТ (asking first if it may already be there).

    Never raises for device trouble: the state carries the Russian error and the cheque stays
    pending for the background retry; the payment itself is committed already."""
    if result.cheque_id is None:
        return None
    return journal.send(db, kkt, actor, result.cheque_id)


@dataclass(frozen=True)
class TakenPayment:
    """A payment and what became of its cheque (None: no ККТ at this workstation)."""

    payment: PaymentResult
    cheque: journal.ChequeState | None


def take_payment_with_cheque(
    db: Database,
    kkt: CashRegister,
    actor: Actor,
    form: PaymentForm,
    idempotency_key: str,
    settings: Settings,
) -> TakenPayment:
    """«Принять оплату»: the payment (with its cheque pending) committed, then the cheque sent.

    A device error never undoes the payment: the cheque stays pending, its Russian message is
    in ``cheque.error`` and the desk retries it in the background."""
    result = take_payment(db, actor, form, idempotency_key, settings=settings)
    return TakenPayment(result, register_cheque(db, kkt, actor, result))


def _return_cheque(session: Session, actor: Actor, original_id: int, reversal_id: int) -> None:
    """A reversed payment that had a cheque gets its «возврат прихода», pending, in the reversal's
    own transaction (the same positions and tender; the supervisor as cashier): the ККТ's shift
    then agrees with the till. Sent after the commit like a payment's cheque."""
    sold = session.scalar(select(FiscalCheque).where(FiscalCheque.payment_id == original_id))
    if sold is None:  # no ККТ took the payment: nothing fiscal to return
        return
    cheque = journal.cheque_from_content(
        f"{sold.idempotency_key}-return", sold.content, sold.customer_contact
    )
    cheque = replace(cheque, kind=ChequeKind.SELL_RETURN, cashier=Cashier(actor.full_name))
    journal.add_pending(session, actor, cheque, payment_id=reversal_id)


def reverse_payment(db: Database, actor: Actor, payment_id: int, reason: str) -> PaymentResult:
    """Сторно: a supervisor appends a reversing payment and ledger entries; both rows stay. A
    payment that had a fiscal cheque gets a pending «возврат прихода» (send it with
    :func:`register_cheque`)."""
    require_staff(actor, "сторно платежа")
    if not actor.is_supervisor:
        raise PermissionDeniedError("Сторнировать платёж может только руководитель офиса.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Укажите причину сторно.", "reason")
    if len(reason) > 300:
        raise ValidationError("Причина — не длиннее 300 знаков.", "reason")
    try:
        with db.transaction() as session:
            original = session.get(Payment, payment_id)
            if original is None:
                raise NotFoundError("Платёж не найден.")
            if original.reversal_of_id is not None:
                raise ValidationError("Это сторнирующая запись: её нельзя сторнировать.", "payment")
            if original.staff_id is not None and original.staff_id == actor.staff_id:
                # Dual control (also in PostgreSQL, migration 0013): with a «возврат прихода»
                # the register and the till would agree whether or not the money went back.
                raise PermissionDeniedError(
                    "Свой платёж не сторнируют: сторно делает другой руководитель офиса."
                )
            account = lock_account(session, original.account_id)
            done = session.scalar(select(Payment.id).where(Payment.reversal_of_id == payment_id))
            if done is not None:
                raise ConflictError("Этот платёж уже сторнирован.")
            now = dt.datetime.now(dt.UTC)
            refuse_closed_day(session, actor.office_id, now)
            reversal = Payment(
                account_id=account.id, amount=-original.amount, paid_at=now,
                method=original.method, office_id=actor.office_id, staff_id=actor.staff_id,
                payer=original.payer, reversal_of_id=original.id, reason=reason,
            )  # fmt: skip
            session.add(reversal)
            session.flush()
            period = open_month(session, now.astimezone().date())
            for alloc in session.scalars(
                select(PaymentAllocation).where(PaymentAllocation.payment_id == original.id)
            ):
                session.add(
                    PaymentAllocation(
                        payment_id=reversal.id, service_id=alloc.service_id, amount=-alloc.amount
                    )
                )
            # account_id first: ledger_entries is indexed by (account_id, period), not by
            # payment (a million accounts hold tens of millions of entries).
            for entry in session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.account_id == original.account_id,
                    LedgerEntry.payment_id == original.id,
                )
            ).all():
                session.add(
                    LedgerEntry(
                        account_id=account.id, period=period, kind=LedgerKind.PAYMENT_REVERSAL,
                        amount=-entry.amount, service_id=entry.service_id,
                        payment_id=reversal.id, reverses_id=entry.id, staff_id=actor.staff_id,
                        description=f"Сторно: {reason}"[:300],
                    )
                )  # fmt: skip
            session.flush()
            _return_cheque(session, actor, original.id, reversal.id)
            audit.record(
                session, actor, AuditAction.PAYMENT_REVERSE, "payment", original.id,
                account_id=account.id,
                after={"reversal_id": reversal.id, "amount": reversal.amount, "reason": reason},
            )  # fmt: skip
            return _result(session, reversal, replayed=False)
    except IntegrityError as err:
        raise ConflictError("Этот платёж уже сторнирован.") from err
