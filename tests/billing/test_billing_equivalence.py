"""One set of rules: the set-based SQL and the Python path compute the same rows.

Random accounts (zones, ratios, rollovers, gaps, expired and replaced meters, rejected readings,
payments) are billed month after month on PostgreSQL; before each close both engines run on the
same data inside a rolled-back transaction and must agree on every charge, ledger entry and
statement, explanation text included.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from console.models import (
    Account,
    AccountStatement,
    Charge,
    LedgerEntry,
    Meter,
    Premise,
    Reading,
    Region,
    Service,
)
from console.models.enums import (
    ConsumptionCategory,
    LedgerKind,
    MeterKind,
    MeterStatus,
    ReadingSource,
    ReadingStatus,
    StaffRole,
)
from console.services.billing import run, sql_path
from console.services.billing import statements as billing_statements
from console.services.core.database import Database
from console.services.core.formatting import add_months
from console.services.staff.actor import Actor
from console.settings import Settings
from tests.support.factories import make_account, make_staff

START = dt.date(2026, 1, 1)
MONTHS = 8


def _reading(meter_id: int, zone: int, value: Decimal, day: dt.date, **kw: Any) -> Reading:
    return Reading(
        meter_id=meter_id, zone=zone, value=value, taken_on=day,
        entered_at=dt.datetime.combine(day, dt.time(9), dt.UTC), period=day.replace(day=1),
        source=ReadingSource.OFFICE, status=kw.get("status", ReadingStatus.ACCEPTED),
    )  # fmt: skip


def _scenario(db: Database, rng: random.Random, accounts: int) -> None:
    for _ in range(accounts):
        zones = rng.choice([1, 1, 2, 3])
        digits = rng.choice([5, 6])
        ids = make_account(db, zones=zones, digits=digits, last_reading=None)
        with db.transaction() as session:
            regions = session.scalars(select(Region.id)).all()
            premise = session.get(Premise, ids.premise_id)
            account = session.get(Account, ids.account_id)
            meter = session.get(Meter, ids.meter_id)
            assert premise and account and meter
            premise.region_id = rng.choice(regions)
            premise.residents = rng.randint(0, 5)
            premise.rooms = rng.choice([None, 1, 2, 3, 4, 6])
            account.category = rng.choice(list(ConsumptionCategory))
            meter.installed_on = rng.choice([dt.date(2019, 3, 1), dt.date(2025, 12, 10)])
            meter.transformation_ratio = rng.choice(
                [Decimal(1), Decimal(1), Decimal(40), Decimal("2.5")]
            )
            if rng.random() < 0.15:
                meter.next_verification_on = START + dt.timedelta(days=rng.randint(20, 200))
            if rng.random() < 0.1:  # no meter at all
                meter.status, meter.removed_on = MeterStatus.REMOVED, dt.date(2020, 1, 1)
                continue
            _readings(session, rng, meter, zones, digits)


def _readings(session: Any, rng: random.Random, meter: Meter, zones: int, digits: int) -> None:
    top = Decimal(10) ** digits
    values = [top - rng.choice([Decimal(300), top // 2]) for _ in range(zones)]
    for zone in range(1, zones + 1):
        session.add(_reading(meter.id, zone, values[zone - 1], dt.date(2025, 12, 15)))
    replace_in = rng.randint(2, MONTHS) if rng.random() < 0.15 else None
    for index in range(MONTHS):
        month = add_months(START, index)
        if index == replace_in:
            new = Meter(
                account_id=meter.account_id, serial=f"R{meter.id}", model="Меркурий",
                kind=MeterKind.INDIVIDUAL, zones=zones, digits=digits,
                transformation_ratio=Decimal(1), installed_on=month.replace(day=10),
                status=MeterStatus.ACTIVE,
            )  # fmt: skip
            session.add(new)
            session.flush()
            meter.status, meter.removed_on, meter.replaced_by_id = (
                MeterStatus.REMOVED, month.replace(day=10), new.id)  # fmt: skip
            for zone in range(1, zones + 1):
                values[zone - 1] = (values[zone - 1] + rng.randint(0, 90)) % top
                session.add(_reading(meter.id, zone, values[zone - 1], month.replace(day=10)))
                session.add(_reading(new.id, zone, Decimal(7), month.replace(day=10)))
            meter, values = new, [Decimal(7)] * zones
        if rng.random() < 0.35:
            continue  # no reading this month
        for _ in range(rng.choice([1, 1, 1, 2])):
            day = month.replace(day=rng.randint(11, 28))
            for zone in range(1, zones + 1):
                step = Decimal(rng.randint(0, 400)) + Decimal(rng.randint(0, 999)) / 1000
                values[zone - 1] = (values[zone - 1] + step) % top
                status = ReadingStatus.REJECTED if rng.random() < 0.05 else ReadingStatus.ACCEPTED
                session.add(_reading(meter.id, zone, values[zone - 1], day, status=status))
        if rng.random() < 0.5:
            session.add(
                LedgerEntry(account_id=meter.account_id, period=month, kind=LedgerKind.PAYMENT,
                            amount=-Decimal(rng.randint(5000, 200000)) / 100)
            )  # fmt: skip


def _snapshot(db: Database, period: dt.date, engine: str, actor: Actor) -> dict[str, list[Any]]:
    """Run one engine inside a transaction that is rolled back; return what it wrote."""
    session = db._sessions()  # noqa: SLF001 - the test needs a transaction it can roll back
    try:
        session.begin()
        service_id = session.scalar(select(Service.id).where(Service.code == "electricity"))
        assert service_id is not None
        config = Settings()
        if engine == "sql":
            sql_path.run(session, period, service_id, actor, config, lambda d, t: None)
        else:
            billing_statements.run_python(
                session, period, service_id, actor, config, lambda d, t: None
            )
        charges = sorted(
            (c.account_id, c.zone, c.meter_id, c.reading_from, c.reading_to, c.volume, c.tariff,
             c.charged, c.recalculation, c.volume_method.value, c.explanation)
            for c in session.scalars(select(Charge).where(Charge.period == period))
        )  # fmt: skip
        ledger = sorted(
            (e.account_id, e.kind.value, e.amount, e.description)
            for e in session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.period == period,
                    LedgerEntry.kind.in_([LedgerKind.CHARGE, LedgerKind.RECALCULATION]),
                )
            )
        )
        statements = sorted(
            (s.account_id, s.opening, s.charged, s.recalculated, s.paid, s.closing)
            for s in session.scalars(
                select(AccountStatement).where(AccountStatement.period == period)
            )
        )
        return {"charges": charges, "ledger": ledger, "statements": statements}
    finally:
        session.rollback()
        session.close()


@pytest.mark.postgres
@pytest.mark.parametrize("seed", [1, 2])
def test_sql_and_python_paths_agree_month_after_month(pg_db: Database, seed: int) -> None:
    rng = random.Random(seed)
    boss = make_staff(pg_db, "boss", StaffRole.ADMIN)
    _scenario(pg_db, rng, 30)
    methods: set[str] = set()
    recalculated = 0
    for index in range(MONTHS):
        period = add_months(START, index)
        sql = _snapshot(pg_db, period, "sql", boss)
        python = _snapshot(pg_db, period, "python", boss)
        assert sql == python, f"engines differ in {period:%Y-%m}"
        methods |= {row[9] for row in sql["charges"]}
        recalculated += sum(1 for row in sql["charges"] if row[8])
        run.close_period(pg_db, boss, period, today=add_months(period, 1))
    # The scenario really exercised every rule.
    assert methods == {"meter", "average", "norm"}
    assert recalculated > 0
