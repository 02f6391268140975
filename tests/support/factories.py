"""Small builders of real rows for tests: an account with its premise, holder and meter."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from console.models import (
    Account,
    AccountHolder,
    AccountStatement,
    BillingPeriod,
    Charge,
    Customer,
    LedgerEntry,
    Meter,
    Office,
    Payment,
    PaymentAllocation,
    Premise,
    Reading,
    Region,
    Service,
    Staff,
    Supplier,
    Tariff,
)
from console.models.enums import (
    AccountStatus,
    BillDelivery,
    ConsumptionCategory,
    HolderRelation,
    LedgerKind,
    MeterKind,
    MeterStatus,
    PaymentMethod,
    PeriodStatus,
    ReadingSource,
    ReadingStatus,
    SettlementKind,
    StaffRole,
    StoveType,
    VolumeMethod,
)
from console.services.core.database import Database, fold
from console.services.core.formatting import to_kopecks
from console.services.core.reference_data import ensure_reference_data
from console.services.privacy.identity import Identity, seal_plain
from console.services.staff.actor import Actor

_serial = itertools.count(1)
T = TypeVar("T")


@dataclass(frozen=True)
class AccountIds:
    account_id: int
    number: str
    customer_id: int
    premise_id: int
    meter_id: int
    serial: str


def make_staff(db: Database, login: str, role: StaffRole, office_code: str = "TMN-1") -> Actor:
    """A staff member and the Actor for them."""
    with db.transaction() as session:
        ensure_reference_data(session)
        office = session.scalar(select(Office).where(Office.code == office_code))
        assert office is not None
        staff = Staff(login=login, full_name=f"Сотрудник {login}", role=role, office_id=office.id)
        session.add(staff)
        session.flush()
        return Actor(
            staff_id=staff.id, login=login, full_name=staff.full_name, role=role,
            office_id=office.id, office_name=office.name, workstation="test-desk",
        )  # fmt: skip


def make_account(
    db: Database,
    *,
    number: str | None = None,
    last_name: str = "Иванов",
    first_name: str = "Пётр",
    middle_name: str | None = "Сергеевич",
    street: str = "Ленина",
    house: str = "12",
    flat: str | None = "34",
    settlement: str = "Тюмень",
    zones: int = 1,
    digits: int = 5,
    last_reading: Decimal | None = Decimal("1200"),
    last_taken_on: dt.date = dt.date(2026, 10, 20),
    phone: str | None = "+79123456789",
) -> AccountIds:
    """One active account of АО «ЭК «Восток» in Тюмень with a holder and a meter."""
    seq = next(_serial)
    number = number or f"72{seq:08d}"
    serial = f"SN{seq:08d}"
    with db.transaction() as session:
        ensure_reference_data(session)
        region = _one(session, select(Region).where(Region.code == "72"))
        supplier = _one(session, select(Supplier).where(Supplier.code == "VOS"))
        premise = Premise(
            region_id=region.id, settlement_type="г.", settlement=settlement,
            settlement_kind=SettlementKind.URBAN, street_type="ул.", street=street, house=house,
            flat=flat, area=Decimal("54.30"), rooms=2, residents=3, stove_type=StoveType.GAS,
            search_text=fold(f"{settlement} {street} {house} {flat or ''}".strip()) or "",
        )  # fmt: skip
        customer = Customer(
            last_name=last_name, first_name=first_name, middle_name=middle_name, phone=phone,
            search_text=fold(" ".join(p for p in (last_name, first_name, middle_name) if p)) or "",
        )  # fmt: skip
        session.add_all([premise, customer])
        session.flush()
        seal_plain(session, customer.id, {"series": "7101", "number": f"{seq:06d}",
                                          "birth_date": dt.date(1980, 5, 17)})  # fmt: skip
        account = Account(
            number=number, supplier_id=supplier.id, premise_id=premise.id,
            category=ConsumptionCategory.URBAN_GAS_STOVE, status=AccountStatus.ACTIVE,
            bill_delivery=BillDelivery.PAPER, opened_on=dt.date(2019, 3, 1),
        )  # fmt: skip
        session.add(account)
        session.flush()
        session.add(
            AccountHolder(
                account_id=account.id, customer_id=customer.id, relation=HolderRelation.OWNER,
                is_primary=True, bound_at=dt.datetime(2019, 3, 1, tzinfo=dt.UTC),
            )
        )  # fmt: skip
        meter = Meter(
            account_id=account.id, serial=serial, model="СОЭБ 2 ПДР", kind=MeterKind.INDIVIDUAL,
            zones=zones, digits=digits, transformation_ratio=Decimal(1),
            installed_on=dt.date(2019, 3, 1), last_verified_on=dt.date(2019, 3, 1),
            next_verification_on=dt.date(2035, 3, 1), place="Лестничная площадка",
            status=MeterStatus.ACTIVE,
        )  # fmt: skip
        session.add(meter)
        session.flush()
        if last_reading is not None:
            for zone in range(1, zones + 1):
                session.add(
                    Reading(
                        meter_id=meter.id, zone=zone, value=last_reading, taken_on=last_taken_on,
                        entered_at=dt.datetime.combine(last_taken_on, dt.time(12), dt.UTC),
                        period=last_taken_on.replace(day=1), source=ReadingSource.OFFICE,
                        status=ReadingStatus.ACCEPTED,
                    )
                )  # fmt: skip
        return AccountIds(account.id, number, customer.id, premise.id, meter.id, serial)


def _one(session: Session, stmt: Select[T]) -> T:
    row = session.scalar(stmt)
    assert row is not None
    return row


def make_decided_refund(
    db: Database,
    account_id: int,
    *,
    registered_by: Actor,
    reviewed_by: Actor | None,
    status: str = "rejected",
    amount: Decimal = Decimal("250.00"),
) -> int:
    """A refund application (optionally already decided by ``reviewed_by``); returns its id."""
    from console.models import AccountHolder, RefundApplication
    from console.models.enums import RefundPayout, RefundReason, RefundStatus

    seq = next(_serial)
    now = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
    with db.transaction() as session:
        holder = session.scalar(
            select(AccountHolder.customer_id).where(AccountHolder.account_id == account_id)
        )
        assert holder is not None
        refund = RefundApplication(
            number=f"VOS-R-{seq:06d}", account_id=account_id, applicant_id=holder,
            amount=amount, reason=RefundReason.OVERPAYMENT, payout=RefundPayout.CASH,
            status=RefundStatus(status), registered_at=now,
            registered_by_staff_id=registered_by.staff_id, office_id=registered_by.office_id,
            due_on=dt.date(2026, 10, 31),
            reviewed_by_staff_id=reviewed_by.staff_id if reviewed_by else None,
            decided_at=now + dt.timedelta(days=3) if reviewed_by else None,
            decision_reason="Переплаты нет" if status == "rejected" else None,
        )  # fmt: skip
        session.add(refund)
        session.flush()
        return refund.id


def add_charge(
    db: Database,
    account_id: int,
    amount: Decimal,
    *,
    service_code: str = "electricity",
    period: dt.date = dt.date(2026, 10, 1),
    kind: str = "charge",
) -> None:
    """Append one ledger entry (a charge raises the debt, a negative amount lowers it)."""
    from console.models import LedgerEntry, Service
    from console.models.enums import LedgerKind

    with db.transaction() as session:
        service = _one(session, select(Service).where(Service.code == service_code))
        session.add(
            LedgerEntry(
                account_id=account_id, period=period, kind=LedgerKind(kind), amount=amount,
                service_id=service.id, description="test",
            )
        )  # fmt: skip


def add_statement(
    db: Database, account_id: int, period: dt.date, closing: Decimal, charged: Decimal
) -> None:
    """A closed month of an account: its bill's «Итого» is ``closing`` (negative = переплата)."""
    from console.models import AccountStatement

    with db.transaction() as session:
        session.add(
            AccountStatement(
                account_id=account_id, period=period.replace(day=1), opening=closing - charged,
                charged=charged, recalculated=Decimal(0), paid=Decimal(0), closing=closing,
            )
        )  # fmt: skip


def make_login(db: Database, login: str, role: StaffRole, password: str = "Пароль-2026!") -> Actor:
    """A staff member with a password (on PostgreSQL also a login role) and the Actor for them."""
    from console.services.staff.actor import SYSTEM
    from console.services.staff.members import add_staff

    with db.transaction() as session:
        ensure_reference_data(session)
    member = add_staff(db, SYSTEM, login, role, "TMN-1", password, f"Сотрудник {login}")
    with db.read() as session:
        office = _one(session, select(Office).where(Office.code == "TMN-1"))
        return Actor(
            staff_id=member.id, login=member.login, full_name=member.full_name, role=role,
            office_id=office.id, office_name=office.name, workstation="test-desk",
        )  # fmt: skip


def connect_as(db: Database, login: str, password: str | None = None) -> Database:
    """A second Database on the same PostgreSQL database, connected as another login role."""
    from console.services.core.database import create_db_engine

    url = db.engine.url.set(username=login, password=None)
    return Database(create_db_engine(url, password=password, pool_size=2))


def person_form(**changes: str) -> Any:
    """A registration form as a clerk fills it in, valid unless ``changes`` spoil it."""
    from console.services.registration.forms import PersonForm

    values = {
        "last_name": "Смирнова", "first_name": "Анна", "middle_name": "Викторовна",
        "birth_date": "03.04.1985", "passport_series": "71 09", "passport_number": "654321",
        "passport_issued_on": "12.05.2005", "passport_issued_by": "ОВД Центрального АО г. Тюмени",
        "passport_division_code": "720-001",
        "registration_address": "г. Тюмень, ул. Ленина, д. 12, кв. 34",
        "snils": "112-233-445 95", "phone": "8 (912) 345-67-89", "email": "anna@example.ru",
    }  # fmt: skip
    values.update(changes)
    return PersonForm(**values)


@dataclass(frozen=True)
class ClosedMonth:
    """What :func:`make_closed_month` wrote: the month's statement and the electricity line."""

    period: dt.date
    opening: Decimal
    charged: Decimal
    recalculated: Decimal
    paid: Decimal
    closing: Decimal
    volume: Decimal
    tariff: Decimal
    reading_from: Decimal | None
    reading_to: Decimal | None


def make_closed_month(
    db: Database,
    account: AccountIds,
    period: dt.date,
    *,
    volume: Decimal = Decimal("150"),
    paid: Decimal = Decimal("0"),
    recalculation: Decimal = Decimal("0"),
    opening: Decimal | None = None,
    method: VolumeMethod = VolumeMethod.METER,
    raising_coefficient: Decimal = Decimal("1"),
    vdgo: bool = False,
    paid_by: Actor | None = None,
) -> ClosedMonth:
    """Close ``period`` for one account the way the billing run does.

    Writes the closed billing period (if missing), one electricity charge per meter zone (with
    the zone's reading from/to when billed by meter), an optional ВДГО fee of the gas company,
    a payment, the ledger entries and the account statement. ``opening`` defaults to the last
    statement's closing balance (0 for the first month).
    """
    period = period.replace(day=1)
    with db.transaction() as session:
        ensure_reference_data(session)
        bp = session.scalar(select(BillingPeriod).where(BillingPeriod.period == period))
        if bp is None:
            session.add(
                BillingPeriod(
                    period=period, status=PeriodStatus.CLOSED,
                    closed_at=dt.datetime.combine(_next_month(period), dt.time(3), dt.UTC),
                )
            )  # fmt: skip
        acc = session.get(Account, account.account_id)
        meter = session.get(Meter, account.meter_id)
        assert acc is not None and meter is not None
        premise = session.get(Premise, acc.premise_id)
        assert premise is not None
        if opening is None:
            last = session.scalar(
                select(AccountStatement)
                .where(AccountStatement.account_id == acc.id, AccountStatement.period < period)
                .order_by(AccountStatement.period.desc())
            )
            opening = last.closing if last is not None else Decimal("0.00")
            if last is None and opening:
                session.add(
                    LedgerEntry(account_id=acc.id, period=period, kind=LedgerKind.OPENING,
                                amount=opening, description="Входящее сальдо")
                )  # fmt: skip
        elif opening:
            session.add(
                LedgerEntry(account_id=acc.id, period=period, kind=LedgerKind.OPENING,
                            amount=opening, description="Входящее сальдо")
            )  # fmt: skip
        electricity = _one(session, select(Service).where(Service.code == "electricity"))
        charged_total = Decimal("0.00")
        recalc_total = Decimal("0.00")
        first_from: Decimal | None = None
        first_to: Decimal | None = None
        tariff_rate = Decimal("0")
        for zone in range(1, meter.zones + 1):
            tariff = _one(
                session,
                select(Tariff).where(
                    Tariff.region_id == premise.region_id, Tariff.category == acc.category,
                    Tariff.zones_count == meter.zones, Tariff.zone == zone,
                    Tariff.valid_from <= period,
                    (Tariff.valid_to.is_(None)) | (Tariff.valid_to > period),
                ),
            )  # fmt: skip
            reading_from = reading_to = None
            if method is VolumeMethod.METER:
                previous = session.scalar(
                    select(Reading.value)
                    .where(Reading.meter_id == meter.id, Reading.zone == zone,
                           Reading.status == ReadingStatus.ACCEPTED, Reading.period < period)
                    .order_by(Reading.taken_on.desc(), Reading.id.desc())
                )  # fmt: skip
                reading_from = previous if previous is not None else Decimal("0")
                reading_to = reading_from + volume
                taken = period.replace(day=20)
                session.add(
                    Reading(
                        meter_id=meter.id, zone=zone, value=reading_to, taken_on=taken,
                        entered_at=dt.datetime.combine(taken, dt.time(10), dt.UTC),
                        period=period, source=ReadingSource.OFFICE,
                        status=ReadingStatus.ACCEPTED,
                    )
                )  # fmt: skip
            base = volume * tariff.rate
            charged = to_kopecks(base * raising_coefficient)
            excess = to_kopecks(base * (raising_coefficient - 1))
            zone_recalc = recalculation if zone == 1 else Decimal("0.00")
            charge = Charge(
                account_id=acc.id, service_id=electricity.id, period=period, zone=zone,
                meter_id=meter.id if method is VolumeMethod.METER else None,
                reading_from=reading_from, reading_to=reading_to, volume=volume,
                tariff=tariff.rate, raising_coefficient=raising_coefficient,
                excess_amount=excess, charged=charged, recalculation=zone_recalc,
                volume_method=method,
                explanation=None if method is VolumeMethod.METER else "Показания не переданы",
            )  # fmt: skip
            session.add(charge)
            session.flush()
            _ledger_charge(session, acc.id, period, electricity.id, charge, charged, zone_recalc)
            charged_total += charged
            recalc_total += zone_recalc
            if zone == 1:
                first_from, first_to, tariff_rate = reading_from, reading_to, tariff.rate
        if vdgo:
            service = _one(session, select(Service).where(Service.code == "vdgo"))
            fee = service.monthly_fee or Decimal("0.00")
            charge = Charge(
                account_id=acc.id, service_id=service.id, period=period, zone=1, meter_id=None,
                volume=Decimal("1"), tariff=fee, raising_coefficient=Decimal("1"),
                excess_amount=Decimal("0.00"), charged=fee, recalculation=Decimal("0.00"),
                volume_method=VolumeMethod.NORM, explanation="Ежемесячная плата",
            )  # fmt: skip
            session.add(charge)
            session.flush()
            _ledger_charge(session, acc.id, period, service.id, charge, fee, Decimal("0.00"))
            charged_total += fee
        if paid:
            paid_at = dt.datetime.combine(period.replace(day=15), dt.time(11, 30), dt.UTC)
            payment = Payment(
                account_id=acc.id, amount=paid, paid_at=paid_at, method=PaymentMethod.CASH,
                cash_received=paid, office_id=paid_by.office_id if paid_by else None,
                staff_id=paid_by.staff_id if paid_by else None, payer="Плательщик",
                receipt_number=f"R{next(_serial):09d}",
            )  # fmt: skip
            session.add(payment)
            session.flush()
            session.add(
                PaymentAllocation(payment_id=payment.id, service_id=electricity.id, amount=paid)
            )
            session.add(
                LedgerEntry(account_id=acc.id, period=period, kind=LedgerKind.PAYMENT,
                            amount=-paid, payment_id=payment.id, description="Оплата")
            )  # fmt: skip
        closing = opening + charged_total + recalc_total - paid
        session.add(
            AccountStatement(
                account_id=acc.id, period=period, opening=opening, charged=charged_total,
                recalculated=recalc_total, paid=paid, closing=closing,
            )
        )  # fmt: skip
        return ClosedMonth(
            period, opening, charged_total, recalc_total, paid, closing, volume, tariff_rate,
            first_from, first_to,
        )  # fmt: skip


def _ledger_charge(
    session: Session,
    account_id: int,
    period: dt.date,
    service_id: int,
    charge: Charge,
    charged: Decimal,
    recalculation: Decimal,
) -> None:
    session.add(
        LedgerEntry(account_id=account_id, period=period, kind=LedgerKind.CHARGE, amount=charged,
                    service_id=service_id, charge_id=charge.id, description="Начисление")
    )  # fmt: skip
    if recalculation:
        session.add(
            LedgerEntry(account_id=account_id, period=period, kind=LedgerKind.RECALCULATION,
                        amount=recalculation, service_id=service_id, charge_id=charge.id,
                        description="Перерасчёт")
        )  # fmt: skip


def _next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_reading(
    db: Database,
    meter_id: int,
    value: Decimal | str,
    taken_on: dt.date,
    *,
    zone: int = 1,
    period: dt.date | None = None,
    status: ReadingStatus = ReadingStatus.ACCEPTED,
    source: ReadingSource = ReadingSource.OFFICE,
) -> int:
    """An already stored reading (history), bypassing the checks; returns its id."""
    with db.transaction() as session:
        reading = Reading(
            meter_id=meter_id, zone=zone, value=Decimal(value), taken_on=taken_on,
            entered_at=dt.datetime.combine(taken_on, dt.time(12), dt.UTC),
            period=period or taken_on.replace(day=1), source=source, status=status,
        )  # fmt: skip
        session.add(reading)
        session.flush()
        return reading.id


def update_row(db: Database, model: type[T], row_id: int, **values: object) -> None:
    """Change columns of one row (test set-up: an expired meter, a closed account…)."""
    with db.transaction() as session:
        row = session.get(model, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


def close_month(db: Database, period: dt.date) -> None:
    """Mark the billing period of ``period`` closed (without the billing run's rows)."""
    period = period.replace(day=1)
    with db.transaction() as session:
        row = session.scalar(select(BillingPeriod).where(BillingPeriod.period == period))
        if row is None:
            row = BillingPeriod(period=period, status=PeriodStatus.OPEN)
            session.add(row)
        row.status = PeriodStatus.CLOSED
        row.closed_at = dt.datetime.now(dt.UTC)


def stored_identity(db: Database, customer_id: int) -> Identity:
    """What is sealed for a customer, read as the owner without an audit event (tests only)."""
    import json

    with db.read() as session:
        if db.is_postgres:
            raw = session.scalar(
                text(
                    "SELECT public.console_pd_open(sealed)::text FROM customer_identities "
                    "WHERE customer_id = :c"
                ),
                {"c": customer_id},
            )
        else:
            sealed = session.scalar(
                text("SELECT sealed FROM customer_identities WHERE customer_id = :c"),
                {"c": customer_id},
            )
            raw = None if sealed is None else bytes(sealed).decode()
    values = json.loads(raw) if raw else {}
    for key in ("issued_on", "birth_date"):
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    return Identity(**values)
