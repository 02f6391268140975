"""Small builders of real rows for tests: an account with its premise, holder and meter."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    AccountHolder,
    Customer,
    Meter,
    Office,
    Premise,
    Reading,
    Region,
    Staff,
    Supplier,
)
from console.models.enums import (
    AccountStatus,
    BillDelivery,
    ConsumptionCategory,
    HolderRelation,
    MeterKind,
    MeterStatus,
    ReadingSource,
    ReadingStatus,
    SettlementKind,
    StaffRole,
    StoveType,
)
from console.services.actor import Actor
from console.services.database import Database, fold
from console.services.reference_data import ensure_reference_data

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
            last_name=last_name, first_name=first_name, middle_name=middle_name,
            birth_date=dt.date(1980, 5, 17), passport_series="7101",
            passport_number=f"{seq:06d}", phone=phone,
            search_text=fold(" ".join(p for p in (last_name, first_name, middle_name) if p)) or "",
        )  # fmt: skip
        session.add_all([premise, customer])
        session.flush()
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


def _one(session: Session, stmt: Select[tuple[T]]) -> T:
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


def make_login(db: Database, login: str, role: StaffRole, password: str = "Пароль-2026!") -> Actor:
    """A staff member with a password (on PostgreSQL also a login role) and the Actor for them."""
    from console.services.actor import SYSTEM
    from console.services.staff import add_staff

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
    from console.services.database import create_db_engine

    url = db.engine.url.set(username=login, password=None)
    return Database(create_db_engine(url, password=password, pool_size=2))
