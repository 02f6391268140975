"""The account card's header: who, where, how much, which meters, and what needs attention.

:func:`load_card` reads everything the top of the card shows in one read transaction and
returns frozen dataclasses; the tabs have their own services (account_charges, _readings, …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    Account,
    AccountStatement,
    BillingPeriod,
    LedgerEntry,
    Meter,
    Payment,
    Reading,
    Supplier,
)
from console.models.enums import (
    AccountStatus,
    BillDelivery,
    ConsumptionCategory,
    HolderRelation,
    MeterKind,
    MeterStatus,
    PeriodStatus,
    ReadingStatus,
    StoveType,
)
from console.services.account.holders import bound_people
from console.services.account.notifications import Notification, notifications
from console.services.account.rows import account_place
from console.services.core.address_format import full_name, premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError, ValidationError
from console.services.core.formatting import first_of_month
from console.services.vocabulary.labels import label_of, zone_name

__all__ = ["Notification"]


@dataclass(frozen=True)
class Person:
    """Someone bound to the account; the passport is masked until revealed."""

    customer_id: int
    name: str
    relation: str
    relation_label: str
    is_primary: bool
    passport_masked: str  # the birth date is sealed too: shown with the passport, on reveal
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class ZoneReading:
    zone: int
    zone_name: str
    last_reading: Decimal | None
    last_taken_on: dt.date | None


@dataclass(frozen=True)
class MeterInfo:
    meter_id: int
    serial: str
    model: str
    kind: str
    kind_label: str
    zones: int
    digits: int
    transformation_ratio: Decimal
    installed_on: dt.date
    last_verified_on: dt.date | None
    next_verification_on: dt.date | None
    place: str | None
    status: str
    status_label: str
    readings: tuple[ZoneReading, ...]
    submitted_this_period: bool


@dataclass(frozen=True)
class StatementLine:
    """A closed month: opening + charged + recalculated − paid = closing."""

    period: dt.date
    opening: Decimal
    charged: Decimal
    recalculated: Decimal
    paid: Decimal
    closing: Decimal


@dataclass(frozen=True)
class AccountCardData:
    account_id: int
    number: str
    supplier: str
    supplier_full_name: str
    status: str
    status_label: str
    opened_on: dt.date
    closed_on: dt.date | None
    category_label: str
    bill_delivery_label: str
    delivery_email: str | None
    holder: Person | None
    others: tuple[Person, ...]
    address: str
    area: Decimal | None
    rooms: int | None
    residents: int
    stove_label: str
    balance: Decimal  # positive = долг, negative = переплата
    amount_due: Decimal  # what to pay today: the debt, never negative
    last_payment_at: dt.datetime | None
    last_payment_amount: Decimal | None
    current_period: dt.date
    meters: tuple[MeterInfo, ...]
    notifications: tuple[Notification, ...]

    @property
    def balance_label(self) -> str:
        """The sign of the balance in words: "Долг", "Переплата" or "Задолженности нет"."""
        if self.balance > 0:
            return "Долг"
        if self.balance < 0:
            return "Переплата (аванс)"
        return "Задолженности нет"


def find_account_id(db: Database, number: str, supplier_code: str | None = None) -> int:
    """The id of the account with ``number`` (a supplier code settles a clash of numbers)."""
    digits = "".join(ch for ch in number if not ch.isspace())
    if not digits.isdigit():
        raise ValidationError("Номер лицевого счёта состоит только из цифр.", "number")
    with db.read() as session:
        stmt = select(Account.id, Supplier.code).join(Supplier).where(Account.number == digits)
        if supplier_code:
            stmt = stmt.where(Supplier.code == supplier_code)
        found = session.execute(stmt).all()
    if not found:
        raise NotFoundError(f"Лицевой счёт {digits} не найден.")
    if len(found) > 1:
        codes = ", ".join(sorted(code for _, code in found))
        raise ValidationError(
            f"Номер {digits} есть у нескольких поставщиков ({codes}): укажите поставщика.",
            "supplier",
        )
    return int(found[0][0])


def load_card(
    db: Database,
    account_id: int,
    *,
    today: dt.date | None = None,
    reading_window_last_day: int = 25,
) -> AccountCardData:
    """Everything the top of the account card shows."""
    today = today or dt.date.today()
    with db.read() as session:
        account, premise, supplier = account_place(session, account_id)
        holder, others = _people(session, account_id)
        balance = _balance(session, account_id)
        last_payment = _last_payment(session, account_id)
        period = current_period(session, today)
        meters = _meters(session, account_id, period)
        notes = notifications(
            session, account, balance, meters, period, today, reading_window_last_day
        )
        return AccountCardData(
            account_id=account.id,
            number=account.number,
            supplier=supplier.short_name,
            supplier_full_name=supplier.name,
            status=account.status.value,
            status_label=label_of(AccountStatus, account.status),
            opened_on=account.opened_on,
            closed_on=account.closed_on,
            category_label=label_of(ConsumptionCategory, account.category),
            bill_delivery_label=label_of(BillDelivery, account.bill_delivery),
            delivery_email=account.delivery_email,
            holder=holder,
            others=others,
            address=premise_address(premise),
            area=premise.area,
            rooms=premise.rooms,
            residents=premise.residents,
            stove_label=label_of(StoveType, premise.stove_type),
            balance=balance,
            amount_due=max(balance, Decimal("0.00")),
            last_payment_at=last_payment[0] if last_payment else None,
            last_payment_amount=last_payment[1] if last_payment else None,
            current_period=period,
            meters=meters,
            notifications=notes,
        )


def current_period(session: Session, today: dt.date) -> dt.date:
    """The open billing month (the earliest open one), or today's month if none is open."""
    open_period = session.scalar(
        select(func.min(BillingPeriod.period)).where(BillingPeriod.status == PeriodStatus.OPEN)
    )
    return open_period or first_of_month(today)


def _balance(session: Session, account_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _last_payment(session: Session, account_id: int) -> tuple[dt.datetime, Decimal] | None:
    """The latest payment that was not reversed (a reversal is its own row)."""
    reversal = aliased(Payment)
    row = session.execute(
        select(Payment.paid_at, Payment.amount)
        .where(Payment.account_id == account_id, Payment.reversal_of_id.is_(None))
        .where(~select(reversal.id).where(reversal.reversal_of_id == Payment.id).exists())
        .order_by(Payment.paid_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _people(session: Session, account_id: int) -> tuple[Person | None, tuple[Person, ...]]:
    rows = bound_people(session, account_id)
    people = [
        Person(
            customer_id=c.id,
            name=full_name(c.last_name, c.first_name, c.middle_name),
            relation=h.relation.value,
            relation_label=label_of(HolderRelation, h.relation),
            is_primary=h.is_primary,
            passport_masked=c.passport_masked or "",
            phone=c.phone,
            email=c.email,
        )
        for h, c in rows
    ]
    holder = next((p for p in people if p.is_primary), None)
    return holder, tuple(p for p in people if p is not holder)


def _meters(session: Session, account_id: int, period: dt.date) -> tuple[MeterInfo, ...]:
    meters = session.scalars(
        select(Meter)
        .where(Meter.account_id == account_id)
        .order_by(Meter.status, Meter.installed_on.desc(), Meter.id)
    ).all()
    if not meters:
        return ()
    readings = session.execute(
        select(Reading.meter_id, Reading.zone, Reading.value, Reading.taken_on, Reading.period)
        .where(
            Reading.meter_id.in_([m.id for m in meters]),
            Reading.status == ReadingStatus.ACCEPTED,
        )
        .order_by(Reading.taken_on, Reading.entered_at, Reading.id)
    ).all()
    last: dict[tuple[int, int], tuple[Decimal, dt.date]] = {}
    submitted: set[int] = set()
    for meter_id, zone, value, taken_on, reading_period in readings:
        last[(meter_id, zone)] = (value, taken_on)
        if reading_period == period:
            submitted.add(meter_id)
    result = []
    for m in meters:
        zones = tuple(
            ZoneReading(
                zone=z,
                zone_name=zone_name(m.zones, z),
                last_reading=last.get((m.id, z), (None, None))[0],
                last_taken_on=last.get((m.id, z), (None, None))[1],
            )
            for z in range(1, m.zones + 1)
        )
        result.append(
            MeterInfo(
                meter_id=m.id,
                serial=m.serial,
                model=m.model,
                kind=m.kind.value,
                kind_label=label_of(MeterKind, m.kind),
                zones=m.zones,
                digits=m.digits,
                transformation_ratio=m.transformation_ratio,
                installed_on=m.installed_on,
                last_verified_on=m.last_verified_on,
                next_verification_on=m.next_verification_on,
                place=m.place,
                status=m.status.value,
                status_label=label_of(MeterStatus, m.status),
                readings=zones,
                submitted_this_period=m.id in submitted,
            )  # fmt: skip
        )
    return tuple(result)


def meters(db: Database, account_id: int, *, today: dt.date | None = None) -> tuple[MeterInfo, ...]:
    """The account's meters with the last reading of each zone."""
    with db.read() as session:
        return _meters(session, account_id, current_period(session, today or dt.date.today()))


def statements(db: Database, account_id: int) -> tuple[StatementLine, ...]:
    """The closed months of the account, oldest first."""
    with db.read() as session:
        rows = session.scalars(
            select(AccountStatement)
            .where(AccountStatement.account_id == account_id)
            .order_by(AccountStatement.period)
        ).all()
        return tuple(
            StatementLine(r.period, r.opening, r.charged, r.recalculated, r.paid, r.closing)
            for r in rows
        )


def is_active_meter(meter: MeterInfo) -> bool:
    return meter.status == MeterStatus.ACTIVE.value


def is_open(status: str) -> bool:
    return status == AccountStatus.ACTIVE.value
