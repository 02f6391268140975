"""What the generator needs from the database, prepared once: reference rows, staff, billing
periods, tariffs by month, id bases. Plain picklable data, so worker processes can share it."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import (
    Base,
    BillingPeriod,
    ConsumptionNorm,
    Office,
    Region,
    Service,
    Staff,
    Supplier,
    Tariff,
)
from console.models.enums import ConsumptionCategory, PeriodStatus, StaffRole
from console.services.core.formatting import add_months
from console.services.demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, female_surname, translit
from console.services.demo.places import OTHER_PASSPORT_CODES, REGION_PLACES, RegionPlace

HISTORY_MONTHS = 12
# Rough share of a year's consumption by calendar month: more light and heating in winter.
SEASON = (1.25, 1.17, 1.05, 0.95, 0.88, 0.82, 0.80, 0.85, 0.93, 1.03, 1.15, 1.27)
# Tables the generator fills, in the order their foreign keys need.
# customer_identities is written from plain staging rows, sealed by the loader (loaders.py).
TABLES = (
    "premises", "customers", "customer_identities", "accounts", "account_holders", "meters",
    "readings", "charges", "payments", "payment_allocations", "ledger_entries",
    "account_statements",
)  # fmt: skip
# Most rows one account may produce per table: ids of a block are reserved with these.
ID_STRIDE = {
    "premises": 1, "customers": 3, "accounts": 1, "account_holders": 3, "meters": 1,
    "readings": 64, "charges": 64, "payments": 16, "payment_allocations": 32,
    "ledger_entries": 128, "account_statements": 16,
}  # fmt: skip
MAX_ACCOUNTS = 5_000_000  # passport series stay unique up to here (see people.passport)


@dataclass(frozen=True)
class Month:
    """One month of the history; index 12 is the current, open month."""

    period: str  # "2025-11-01"
    label: str  # "11.2025"
    days: tuple[str, ...]  # "2025-11-01", "2025-11-02", …
    season: float
    closed_at: str  # timestamp text of the billing run that closed it


@dataclass(frozen=True)
class RegionPlan:
    """A region with its database ids, tariffs by month and people's places."""

    index: int
    place: RegionPlace
    region_id: int
    supplier_id: int
    number_length: int
    min_payment: int  # kopecks
    office_id: int
    office_code: str
    staff_ids: tuple[int, ...]
    # (category, zones count) → per month → per zone: (rate in 1/10000 руб., rate text)
    rates: dict[tuple[str, int], tuple[tuple[tuple[int, str], ...], ...]]
    # category → kWh per person by rooms 1..4
    norms: dict[str, tuple[int, ...]]
    passport_codes: tuple[str, ...]  # by customer index // 1 000 000


@dataclass(frozen=True)
class Context:
    seed: int
    accounts: int
    today: str
    today_day: int
    months: tuple[Month, ...]  # 12 closed months and the current one
    baseline: Month  # the month before the history: meters' starting readings
    regions: tuple[RegionPlan, ...]
    region_pattern: tuple[int, ...]  # region index for each account index modulo 100
    electricity_id: int
    vdgo_id: int
    vdgo_fee: int  # kopecks
    vdgo_fee_text: str
    id_base: dict[str, int]
    ts_suffix: str  # how a UTC timestamp ends in the database's text: "+00" or ".000000"
    block_size: int


def _month(period: dt.date, ts_suffix: str) -> Month:
    days = calendar.monthrange(period.year, period.month)[1]
    closed = add_months(period, 1)
    return Month(
        period=period.isoformat(),
        label=f"{period.month:02d}.{period.year}",
        days=tuple(period.replace(day=d).isoformat() for d in range(1, days + 1)),
        season=SEASON[period.month - 1],
        closed_at=f"{closed.isoformat()} 02:00:00{ts_suffix}",
    )


def _rate_at(rows: list[Tariff], period: dt.date) -> Decimal:
    valid = [
        t for t in rows if t.valid_from <= period and (t.valid_to is None or period < t.valid_to)
    ]
    if not valid:  # a month before the first tariff: the earliest one stands in
        valid = [min(rows, key=lambda t: t.valid_from)]
    return max(valid, key=lambda t: t.valid_from).rate


def ensure_staff(session: Session, seed: int) -> None:
    """Clerks and a supervisor for each office that has no staff yet (logins like petrova.tmn)."""
    rng = random.Random(f"staff:{seed}")
    logins = set(session.scalars(select(Staff.login)))
    offices = session.scalars(select(Office).order_by(Office.code)).all()
    staffed = set(session.scalars(select(Staff.office_id).where(Staff.office_id.is_not(None))))
    male = sorted(MALE_NAMES)
    for office in offices:
        if office.id in staffed:
            continue
        suffix = office.code.split("-")[0].lower()
        for role in (StaffRole.SUPERVISOR,) + (StaffRole.CLERK,) * rng.choice((3, 4)):
            surname = rng.choice(SURNAMES)
            father = rng.choice(male)
            if rng.random() < 0.7:  # most clerks are women
                last, first, middle = (
                    female_surname(surname),
                    rng.choice(FEMALE_NAMES),
                    MALE_NAMES[father][1],
                )
            else:
                last, first, middle = surname, rng.choice(male), MALE_NAMES[father][0]
            login, n = f"{translit(last)}.{suffix}", 1
            while login in logins:
                n += 1
                login = f"{translit(last)}{n}.{suffix}"
            logins.add(login)
            session.add(
                Staff(login=login, full_name=f"{last} {first} {middle}", role=role,
                      office_id=office.id, is_active=True,
                      created_at=dt.datetime(2020, 1, 9, 4, 0, tzinfo=dt.UTC))
            )  # fmt: skip
    session.flush()


def ensure_periods(session: Session, current: dt.date) -> None:
    """The history's 12 months closed and the current month open (missing rows only)."""
    admin = session.scalar(select(Staff.id).where(Staff.login == "admin"))
    existing = set(session.scalars(select(BillingPeriod.period)))
    for back in range(HISTORY_MONTHS, -1, -1):
        period = add_months(current, -back)
        if period in existing:
            continue
        closed = back > 0
        session.add(
            BillingPeriod(
                period=period,
                status=PeriodStatus.CLOSED if closed else PeriodStatus.OPEN,
                closed_at=(
                    dt.datetime.combine(add_months(period, 1), dt.time(2), dt.UTC)
                    if closed
                    else None
                ),
                closed_by_staff_id=admin if closed else None,
            )
        )  # fmt: skip
    session.flush()


def build_context(
    session: Session, *, seed: int, accounts: int, today: dt.date, ts_suffix: str, block_size: int
) -> Context:
    """Read what the generator needs; reference data, staff and periods must already exist."""
    current = today.replace(day=1)
    history = [add_months(current, -back) for back in range(HISTORY_MONTHS, -1, -1)]
    months = tuple(_month(p, ts_suffix) for p in history)
    tariffs: dict[tuple[int, str, int, int], list[Tariff]] = {}
    for tariff in session.scalars(select(Tariff)):
        key = (tariff.region_id, tariff.category.value, tariff.zones_count, tariff.zone)
        tariffs.setdefault(key, []).append(tariff)
    norms = session.scalars(select(ConsumptionNorm)).all()
    plans = []
    for index, place in enumerate(REGION_PLACES):
        region = session.scalars(select(Region).where(Region.code == place.region_code)).one()
        office = session.scalars(
            select(Office).where(Office.region_id == region.id).order_by(Office.code)
        ).first()
        assert office is not None, f"no office in region {place.region_code}"
        supplier = session.get(Supplier, office.supplier_id)
        assert supplier is not None
        staff = tuple(
            session.scalars(select(Staff.id).where(Staff.office_id == office.id).order_by(Staff.id))
        )
        rates: dict[tuple[str, int], tuple[tuple[tuple[int, str], ...], ...]] = {}
        for category in ConsumptionCategory:
            for zones in (1, 2, 3):
                per_month = []
                for period in history:
                    per_zone = []
                    for zone in range(1, zones + 1):
                        rate = _rate_at(tariffs[(region.id, category.value, zones, zone)], period)
                        per_zone.append((int(rate * 10000), f"{rate:.4f}"))
                    per_month.append(tuple(per_zone))
                rates[(category.value, zones)] = tuple(per_month)
        region_norms = {
            category.value: tuple(
                int(max((n for n in norms if n.region_id == region.id and n.category == category
                         and n.rooms == rooms), key=lambda n: n.valid_from).kwh_per_person)
                for rooms in (1, 2, 3, 4)
            )
            for category in ConsumptionCategory
        }  # fmt: skip
        others = OTHER_PASSPORT_CODES[index :: len(REGION_PLACES)]
        plans.append(
            RegionPlan(
                index=index, place=place, region_id=region.id, supplier_id=supplier.id,
                number_length=supplier.account_number_length,
                min_payment=int(supplier.min_payment * 100), office_id=office.id,
                office_code=office.code, staff_ids=staff, rates=rates, norms=region_norms,
                passport_codes=(place.passport_code, *others),
            )
        )  # fmt: skip
    electricity = session.scalars(select(Service).where(Service.code == "electricity")).one()
    vdgo = session.scalars(select(Service).where(Service.code == "vdgo")).one()
    fee = vdgo.monthly_fee or Decimal("0")
    pattern = [p.index for p in plans for _ in range(p.place.weight)]
    assert len(pattern) == 100
    random.Random(f"regions:{seed}").shuffle(pattern)
    id_base = {}
    for name in ID_STRIDE:
        table = Base.metadata.tables[name]
        id_base[name] = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
    return Context(
        seed=seed, accounts=accounts, today=today.isoformat(), today_day=today.day,
        months=months, baseline=_month(add_months(current, -HISTORY_MONTHS - 1), ts_suffix),
        regions=tuple(plans), region_pattern=tuple(pattern), electricity_id=electricity.id,
        vdgo_id=vdgo.id, vdgo_fee=int(fee * 100), vdgo_fee_text=f"{fee:.4f}", id_base=id_base,
        ts_suffix=ts_suffix, block_size=block_size,
    )  # fmt: skip
