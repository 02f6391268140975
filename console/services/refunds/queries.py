"""Reading refund applications: the account's list, the review queue, details and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    Account,
    Attachment,
    Customer,
    Office,
    Payment,
    RefundApplication,
    RefundApplicationPayment,
    Staff,
    Supplier,
)
from console.models.enums import RefundPayout, RefundReason, RefundStatus
from console.services.account.holders import bound_people
from console.services.core.address_format import person_name
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.core.moments import stored_utc
from console.services.payments.counter import account_balance, holder_and_address
from console.services.payments.history import PaymentRow, account_payments
from console.services.vocabulary.labels import label

#: Still to be paid out: the deadline runs.
OPEN = (RefundStatus.REGISTERED, RefundStatus.UNDER_REVIEW, RefundStatus.APPROVED)
#: Awaiting a decision: their amounts are reserved against the overpayment.
PENDING = (RefundStatus.REGISTERED, RefundStatus.UNDER_REVIEW)
DUE_SOON_DAYS = 3


def deadline_state(status: RefundStatus, due_on: dt.date, today: dt.date) -> str:
    """ "overdue", "due_soon" (≤ 3 days left), "ok", or "done" once decided against or paid."""
    if status not in OPEN:
        return "done"
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "ok"


@dataclass(frozen=True)
class Applicant:
    customer_id: int
    full_name: str
    relation: str
    passport_masked: str


@dataclass(frozen=True)
class RefundContext:
    """What the registration form needs: the overpayment, people bound, payments."""

    account_id: int
    account_number: str
    balance: Decimal
    overpayment: Decimal
    reserved: Decimal
    applicants: tuple[Applicant, ...]
    payments: tuple[PaymentRow, ...]

    @property
    def available(self) -> Decimal:
        return max(self.overpayment - self.reserved, Decimal("0.00"))


@dataclass(frozen=True)
class RefundSummary:
    refund_id: int
    number: str
    account_id: int
    account_number: str
    applicant: str
    amount: Decimal
    reason: RefundReason
    status: RefundStatus
    registered_at: dt.datetime
    registered_by: str
    due_on: dt.date
    deadline: str
    days_left: int


@dataclass(frozen=True)
class AttachmentInfo:
    attachment_id: int
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class RefundDetails:
    summary: RefundSummary
    registered_by_staff_id: int
    applicant_id: int
    supplier: str
    office: str
    office_address: str
    address: str
    applicant_passport: str
    payout: RefundPayout
    recipient_name: str | None
    bic: str | None
    settlement_account: str | None
    reviewed_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    paid_at: dt.datetime | None
    payments: tuple[tuple[int, str, dt.datetime, Decimal], ...]
    attachments: tuple[AttachmentInfo, ...]
    paid_by: str | None = None
    cash_order_number: str | None = None
    payment_order_number: str | None = None
    payment_order_date: dt.date | None = None
    cheque_fd_number: int | None = None
    cheque_fiscal_sign: str | None = None
    cheque_fn_number: str | None = None
    paid_office: str = ""
    paid_office_address: str = ""


def reserved_amount(session: Session, account_id: int, exclude: int | None = None) -> Decimal:
    """Amounts of this account's applications still awaiting a decision."""
    stmt = select(RefundApplication.amount).where(
        RefundApplication.account_id == account_id, RefundApplication.status.in_(PENDING)
    )
    if exclude is not None:
        stmt = stmt.where(RefundApplication.id != exclude)
    return sum(session.scalars(stmt), Decimal("0.00"))


def refund_context(db: Database, account_id: int) -> RefundContext:
    with db.read() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError("Лицевой счёт не найден.")
        applicants = tuple(
            Applicant(c.id, person_name(c), label(h.relation), c.passport_masked or "")
            for h, c in bound_people(session, account_id)
        )  # fmt: skip
        balance = account_balance(session, account_id)
        reserved = reserved_amount(session, account_id)
        number = account.number
    paid = tuple(p for p in account_payments(db, account_id) if p.can_reverse and p.amount > 0)
    return RefundContext(account_id, number, balance, max(-balance, Decimal("0.00")), reserved,
                         applicants, paid)  # fmt: skip


def _summaries(
    session: Session, stmt: Select[RefundApplication], today: dt.date
) -> tuple[RefundSummary, ...]:
    clerk = aliased(Staff)
    query = (
        stmt.add_columns(Account.number, Customer, clerk.full_name)
        .join(Account, Account.id == RefundApplication.account_id)
        .join(Customer, Customer.id == RefundApplication.applicant_id)
        .join(clerk, clerk.id == RefundApplication.registered_by_staff_id)
    )
    return tuple(
        RefundSummary(
            refund_id=r.id,
            number=r.number,
            account_id=r.account_id,
            account_number=number,
            applicant=person_name(customer),
            amount=r.amount,
            reason=r.reason,
            status=r.status,
            registered_at=stored_utc(r.registered_at),
            registered_by=clerk_name,
            due_on=r.due_on,
            deadline=deadline_state(r.status, r.due_on, today),
            days_left=(r.due_on - today).days,
        )  # fmt: skip
        for r, number, customer, clerk_name in session.execute(query).all()
    )


def list_for_account(
    db: Database, account_id: int, today: dt.date | None = None
) -> tuple[RefundSummary, ...]:
    """The account's applications, newest first (the card's «Возвраты» tab)."""
    stmt = (
        select(RefundApplication)
        .where(RefundApplication.account_id == account_id)
        .order_by(RefundApplication.registered_at.desc(), RefundApplication.id.desc())
    )
    with db.read() as session:
        return _summaries(session, stmt, today or dt.date.today())


def review_queue(
    db: Database, office_id: int | None = None, today: dt.date | None = None
) -> tuple[RefundSummary, ...]:
    """Applications awaiting review (зарегистрировано, на рассмотрении), nearest deadline first."""
    stmt = select(RefundApplication).where(RefundApplication.status.in_(PENDING))
    if office_id is not None:
        stmt = stmt.where(RefundApplication.office_id == office_id)
    stmt = stmt.order_by(RefundApplication.due_on, RefundApplication.id)
    with db.read() as session:
        return _summaries(session, stmt, today or dt.date.today())


def get_refund(db: Database, refund_id: int, today: dt.date | None = None) -> RefundDetails:
    with db.read() as session:
        stmt = select(RefundApplication).where(RefundApplication.id == refund_id)
        found = _summaries(session, stmt, today or dt.date.today())
        if not found:
            raise NotFoundError("Заявление на возврат не найдено.")
        r = session.get(RefundApplication, refund_id)
        assert r is not None
        account = session.get(Account, r.account_id)
        customer = session.get(Customer, r.applicant_id)
        office = session.get(Office, r.office_id) if r.office_id else None
        reviewer = session.get(Staff, r.reviewed_by_staff_id) if r.reviewed_by_staff_id else None
        payer = session.get(Staff, r.paid_by_staff_id) if r.paid_by_staff_id else None
        paid_office = session.get(Office, r.paid_office_id) if r.paid_office_id else None
        assert account is not None and customer is not None
        supplier = session.get(Supplier, account.supplier_id)
        _, address = holder_and_address(session, account)
        paid = session.execute(
            select(Payment.id, Payment.receipt_number, Payment.external_id, Payment.paid_at,
                   Payment.amount)
            .join(RefundApplicationPayment, RefundApplicationPayment.payment_id == Payment.id)
            .where(RefundApplicationPayment.refund_id == refund_id)
            .order_by(Payment.paid_at)
        ).all()  # fmt: skip
        files = session.execute(
            select(Attachment.id, Attachment.filename, Attachment.media_type, Attachment.size)
            .where(Attachment.owner_type == "refund_application", Attachment.owner_id == r.id)
            .order_by(Attachment.id)
        ).all()
        # Masked: the full passport is revealed only through the audited identity functions.
        passport = customer.passport_masked or ""
        return RefundDetails(
            summary=found[0], registered_by_staff_id=r.registered_by_staff_id,
            applicant_id=r.applicant_id,
            supplier=supplier.name if supplier else "",
            office=office.name if office else "", office_address=office.address if office else "",
            address=address, applicant_passport=passport, payout=r.payout,
            recipient_name=r.recipient_name, bic=r.bic, settlement_account=r.settlement_account,
            reviewed_by=reviewer.full_name if reviewer else None,
            decided_at=stored_utc(r.decided_at) if r.decided_at else None,
            decision_reason=r.decision_reason,
            paid_at=stored_utc(r.paid_at) if r.paid_at else None,
            payments=tuple((pid, receipt or ext or str(pid), stored_utc(at), amount)
                           for pid, receipt, ext, at, amount in paid),
            attachments=tuple(AttachmentInfo(*row) for row in files),
            paid_by=payer.full_name if payer else None,
            cash_order_number=r.cash_order_number, payment_order_number=r.payment_order_number,
            payment_order_date=r.payment_order_date, cheque_fd_number=r.cheque_fd_number,
            cheque_fiscal_sign=r.cheque_fiscal_sign, cheque_fn_number=r.cheque_fn_number,
            paid_office=paid_office.name if paid_office else "",
            paid_office_address=paid_office.address if paid_office else "",
        )  # fmt: skip


def attachment_content(db: Database, attachment_id: int) -> tuple[str, str, bytes]:
    """(filename, media type, bytes) of a stored scan."""
    with db.read() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFoundError("Вложение не найдено.")
        return row.filename, row.media_type, bytes(row.content)
