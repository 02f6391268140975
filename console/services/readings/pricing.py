"""What a stored reading comes to, priced as the reading entry shows it: consumption since the
reading before it × the current tariff; and the month in progress of an account (the interim
payment document prints exactly this)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import Account, LedgerEntry, Meter, Premise, Reading
from console.models.enums import ConsumptionCategory, ReadingSource, ReadingStatus
from console.services.billing import rules
from console.services.billing.periods import first_open_period
from console.services.billing.tariffs import tariff_rate
from console.services.core.formatting import to_kopecks
from console.services.core.metering import metered_volume
from console.services.core.moments import stored_utc
from console.services.readings.checks import Estimate, estimate, zone_label


@dataclass(frozen=True)
class PricedReading:
    """A stored reading with its consumption, the tariff and the sum (None: not priced)."""

    reading_id: int
    meter_id: int
    serial: str
    zone: int
    zone_label: str
    value: Decimal
    taken_on: dt.date
    source: ReadingSource
    consumption: Decimal | None
    rate: Decimal | None
    amount: Decimal | None


def price(
    session: Session,
    reading: Reading,
    meter: Meter,
    category: ConsumptionCategory,
    region_id: int,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(consumption, rate, amount) of a stored reading, as the entry dialog showed them."""
    entered = stored_utc(reading.entered_at)
    base = session.scalar(
        select(Reading.value)
        .where(
            Reading.meter_id == reading.meter_id, Reading.zone == reading.zone,
            Reading.status != ReadingStatus.REJECTED, Reading.id != reading.id,
            (Reading.taken_on < reading.taken_on)
            | ((Reading.taken_on == reading.taken_on) & (Reading.id < reading.id)),
        )
        .order_by(Reading.taken_on.desc(), Reading.id.desc())
        .limit(1)
    )  # fmt: skip
    if base is None:
        return None, None, None
    consumption = metered_volume(base, reading.value, meter.digits, meter.transformation_ratio)
    rate = tariff_rate(
        session,
        region_id,
        category,
        meter.zones,
        reading.zone,
        entered.date(),
    )
    # As check_reading: past its verification a meter is billed by norm, so no sum is shown.
    if rate is None or not rules.is_billable(entered.date(), meter.next_verification_on):
        return consumption, None, None
    return consumption, rate, to_kopecks(consumption * rate)


def interim_period(session: Session, account_id: int) -> dt.date | None:
    """The open month the account's newest readings count in (else the first open month;
    None when no month is open and there are no readings)."""
    first = first_open_period(session)
    newest = session.scalar(
        select(func.max(Reading.period))
        .join(Meter, Meter.id == Reading.meter_id)
        .where(Meter.account_id == account_id, Reading.status == ReadingStatus.ACCEPTED)
    )
    if first is None:  # nothing closed yet: the month the readings went into is open
        return newest
    return max(first, newest) if newest is not None else first


def month_readings(session: Session, account_id: int, period: dt.date) -> tuple[PricedReading, ...]:
    """The accepted readings of an open month, priced."""
    rows = session.execute(
        select(Reading, Meter, Account.category, Premise.region_id)
        .join(Meter, Meter.id == Reading.meter_id)
        .join(Account, Account.id == Meter.account_id)
        .join(Premise, Premise.id == Account.premise_id)
        .where(
            Meter.account_id == account_id, Reading.period == period,
            Reading.status == ReadingStatus.ACCEPTED,
            Reading.source != ReadingSource.REPLACEMENT,
        )
        .order_by(Meter.id, Reading.zone, Reading.taken_on, Reading.id)
    ).all()  # fmt: skip
    out = []
    for reading, meter, category, region_id in rows:
        consumption, rate, amount = price(session, reading, meter, category, region_id)
        out.append(
            PricedReading(
                reading.id, meter.id, meter.serial, reading.zone,
                zone_label(meter.zones, reading.zone), reading.value, reading.taken_on,
                reading.source, consumption, rate, amount,
            )
        )  # fmt: skip
    return tuple(out)


def ledger_balance(session: Session, account_id: int) -> Decimal:
    """Состояние счёта as the entry dialog shows it: the whole ledger."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    return Decimal(total or 0)


def month_estimate(session: Session, account_id: int, period: dt.date) -> Estimate:
    """The reading entry's «к оплате ≈» for the readings of the month: one calculation."""
    readings = month_readings(session, account_id, period)
    return estimate(readings, ledger_balance(session, account_id))
