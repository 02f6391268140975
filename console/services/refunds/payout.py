"""Paying a refund out: the «возврат прихода» cheque of a cash refund and the payment order of a
transfer. The cheque goes to the cash register (through the cheque journal) before the refund is
marked paid, under a key derived from the application, so a retry after a failure finds the
same cheque, never a second.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import Customer, LedgerEntry, RefundApplication, Service
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.core.formatting import date
from console.services.core.moments import local_date
from console.services.fiscal import journal
from console.services.fiscal.device import (
    Cashier,
    CashRegister,
    Cheque,
    ChequeKind,
    ChequeLine,
    FiscalAttributes,
    KktError,
    KktFault,
    Tender,
)
from console.services.staff.actor import Actor

#: Номер платёжного поручения: up to six digits (Положение Банка России № 762-П).
ORDER_NUMBER = re.compile(r"\d{1,6}")


def cheque_key(refund: RefundApplication) -> str:
    """The idempotency key of an application's refund cheque (the database checks it too)."""
    return f"refund-{refund.number}"


def refund_cheque(session: Session, actor: Actor, refund: RefundApplication) -> Cheque:
    """«Возврат прихода» in cash: one position per service the refund was booked to."""
    rows = session.execute(
        select(Service.name, func.sum(LedgerEntry.amount))
        .join(Service, Service.id == LedgerEntry.service_id)
        .where(LedgerEntry.account_id == refund.account_id, LedgerEntry.refund_id == refund.id)
        .group_by(Service.name)
        .order_by(Service.name)
    ).all()
    lines = tuple(ChequeLine(name, Decimal(amount)) for name, amount in rows if amount)
    if sum((line.amount for line in lines), Decimal("0.00")) != refund.amount:
        lines = (ChequeLine("Электроснабжение", refund.amount),)
    customer = session.get(Customer, refund.applicant_id)
    contact = (customer.email or customer.phone or "") if customer is not None else ""
    return Cheque(
        key=cheque_key(refund), kind=ChequeKind.SELL_RETURN, lines=lines, tender=Tender.CASH,
        cashier=Cashier(actor.full_name), customer_contact=contact,
    )  # fmt: skip


def issue_refund_cheque(
    db: Database, register: CashRegister, actor: Actor, refund_id: int, cheque: Cheque
) -> FiscalAttributes:
    """The cheque's attributes, through the cheque journal as a payment's cheque goes: the row
    is written pending first (once per refund), then sent under ``key.attempt``, asking the ККТ
    what became of an earlier send before sending again — so a retry after a timeout or a
    crash finds the first cheque, and a refused attempt (paper out) can be tried again under
    a new uuid. Anything but a registered cheque raises KktError (in Russian) and the refund
    stays unpaid: no cash leaves without a cheque."""
    if journal.cheque_of_refund(db, refund_id) is None:
        try:
            with db.transaction() as session:
                journal.add_pending(session, actor, cheque, refund_id=refund_id)
        except IntegrityError:  # another desk wrote it a moment ago: send that one
            if journal.cheque_of_refund(db, refund_id) is None:
                raise
    state = journal.register_refund_cheque(db, register, actor, refund_id)
    if state is None:  # cheque rows are never deleted (0009): it is there
        raise LookupError(refund_id)
    if state.registered and state.fiscal is not None:
        return state.fiscal
    fault = state.error_code if state.error_code in set(KktFault) else KktFault.REJECTED
    raise KktError(
        KktFault(fault),
        state.error or "ККТ не пробила чек возврата: повторите выплату.",
        outcome_unknown=fault in (KktFault.TIMEOUT, KktFault.UNREACHABLE),
    )


def payment_order(
    number: str, day: str | dt.date | None, decided_at: dt.datetime | None
) -> tuple[str, dt.date]:
    """The payment order's number and date as typed, checked: digits; not before the decision,
    not in the future."""
    number = (number or "").strip()
    if not ORDER_NUMBER.fullmatch(number):
        raise ValidationError("Укажите номер платёжного поручения: от 1 до 6 цифр.", "order_number")
    if isinstance(day, str):
        text = day.strip()
        try:
            day = dt.datetime.strptime(text, "%d.%m.%Y").date()
        except ValueError:
            raise ValidationError(
                "Укажите дату платёжного поручения в виде ДД.ММ.ГГГГ.", "order_date"
            ) from None
    if day is None:
        raise ValidationError("Укажите дату платёжного поручения.", "order_date")
    today = dt.date.today()
    if day > today:
        raise ValidationError("Дата платёжного поручения не может быть позже сегодняшней.",
                              "order_date")  # fmt: skip
    if decided_at is not None and day < local_date(decided_at):
        raise ValidationError(
            "Платёжное поручение не может быть раньше решения о возврате "
            f"({date(local_date(decided_at))}).",
            "order_date",
        )
    return number, day
