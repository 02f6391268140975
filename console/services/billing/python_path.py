"""The billing rules computed row by row in Python: the SQLite path, and the reference the SQL
path is tested against on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Charge, ConsumptionNorm, Meter, Reading, Tariff
from console.models.enums import (
    ConsumptionCategory,
    MeterKind,
    ReadingStatus,
    VolumeMethod,
)
from console.services.billing import rules
from console.services.core.formatting import add_months, to_kopecks
from console.services.core.metering import metered_volume, round_volume


@dataclass(frozen=True)
class AccountIn:
    account_id: int
    category: ConsumptionCategory
    region_id: int
    rooms: int  # clamped to 1..4
    residents: int


@dataclass(frozen=True)
class ChargeLine:
    """One charge row the run writes (account × zone)."""

    account_id: int
    zone: int
    meter_id: int | None
    reading_from: Decimal | None
    reading_to: Decimal | None
    volume: Decimal
    tariff: Decimal
    charged: Decimal
    recalculation: Decimal
    method: VolumeMethod
    explanation: str


class Lookups:
    """Tariffs and norms held in memory: small tables, asked once per zone."""

    def __init__(self, session: Session) -> None:
        self.tariffs: dict[tuple[int, str, int, int], list[Tariff]] = defaultdict(list)
        for t in session.scalars(select(Tariff)):
            self.tariffs[(t.region_id, t.category.value, t.zones_count, t.zone)].append(t)
        self.norms: dict[tuple[int, str, int], list[ConsumptionNorm]] = defaultdict(list)
        for n in session.scalars(select(ConsumptionNorm)):
            self.norms[(n.region_id, n.category.value, n.rooms)].append(n)

    def rate(self, acc: AccountIn, zones: int, zone: int, on: dt.date) -> Decimal:
        rows = [
            t
            for t in self.tariffs[(acc.region_id, acc.category.value, zones, zone)]
            if t.valid_from <= on and (t.valid_to is None or t.valid_to > on)
        ]
        if not rows:
            raise LookupError(f"no tariff: region {acc.region_id} {acc.category} {zones}/{zone}")
        return max(rows, key=lambda t: t.valid_from).rate

    def norm(self, acc: AccountIn, on: dt.date) -> Decimal:
        rows = [
            n
            for n in self.norms[(acc.region_id, acc.category.value, acc.rooms)]
            if n.valid_from <= on
        ]
        if not rows:
            raise LookupError(f"no norm: region {acc.region_id} {acc.category} {acc.rooms}")
        return max(rows, key=lambda n: n.valid_from).kwh_per_person


@dataclass(frozen=True)
class _Metered:
    zone: int
    meter: Meter
    base: Reading
    current: Reading
    volume: Decimal


def compute_chunk(
    session: Session,
    lookups: Lookups,
    accounts: Sequence[AccountIn],
    period: dt.date,
    service_id: int,
    max_estimated: int,
) -> list[ChargeLine]:
    """Charge lines of a chunk of accounts for ``period``."""
    ids = [a.account_id for a in accounts]
    p_end = rules.month_end(period)
    meters: dict[int, list[Meter]] = defaultdict(list)
    for m in session.scalars(
        select(Meter)
        .where(Meter.account_id.in_(ids), Meter.kind == MeterKind.INDIVIDUAL)
        .where(Meter.installed_on <= p_end)
        .order_by(Meter.id)
    ):
        meters[m.account_id].append(m)
    meter_ids = [m.id for ms in meters.values() for m in ms]
    readings: dict[int, list[Reading]] = defaultdict(list)
    for r in session.scalars(
        select(Reading).where(
            Reading.meter_id.in_(meter_ids),
            Reading.status == ReadingStatus.ACCEPTED,
            Reading.period <= period,
        )
    ):
        readings[r.meter_id].append(r)
    charges: dict[int, list[Charge]] = defaultdict(list)
    for c in session.scalars(
        select(Charge).where(
            Charge.account_id.in_(ids), Charge.service_id == service_id, Charge.period < period
        )
    ):
        charges[c.account_id].append(c)
    lines: list[ChargeLine] = []
    for acc in accounts:
        lines.extend(
            _bill_account(
                acc, meters[acc.account_id], readings, charges[acc.account_id], lookups,
                period, max_estimated,
            )
        )  # fmt: skip
    return lines


def _key(r: Reading) -> tuple[dt.date, int]:
    return (r.taken_on, r.id)


def _bill_account(
    acc: AccountIn,
    meters: list[Meter],
    readings: dict[int, list[Reading]],
    charges: list[Charge],
    lookups: Lookups,
    period: dt.date,
    max_estimated: int,
) -> list[ChargeLine]:
    p_end = rules.month_end(period)
    current = [m for m in meters if m.removed_on is None or m.removed_on > p_end]
    cur = max(current, key=lambda m: m.id) if current else None
    metered: list[_Metered] = []
    bases: dict[tuple[int, int], Reading] = {}  # last billable reading before the period
    for meter in meters:
        billable = [
            r
            for r in readings[meter.id]
            if r.zone <= meter.zones and rules.is_billable(r.taken_on, meter.next_verification_on)
        ]
        for zone in sorted({r.zone for r in billable}):
            of_zone = [r for r in billable if r.zone == zone]
            before = [r for r in of_zone if r.period < period]
            if before:
                bases[(meter.id, zone)] = max(before, key=_key)
            now = [r for r in of_zone if r.period == period]
            if not now:
                continue
            base = bases.get((meter.id, zone)) or min(now, key=_key)
            last = max(now, key=_key)
            volume = metered_volume(
                base.value, last.value, meter.digits, meter.transformation_ratio
            )
            metered.append(_Metered(zone, meter, base, last, volume))
    lines = [
        _meter_line(acc, zone, [x for x in metered if x.zone == zone], charges, lookups, period)
        for zone in sorted({x.zone for x in metered})
    ]
    done = {x.zone for x in metered}
    if cur is not None:
        for zone in range(1, cur.zones + 1):
            if zone not in done:
                prior = bases.get((cur.id, zone))
                lines.append(
                    _estimated_line(acc, cur, zone, prior, charges, lookups, period, max_estimated)
                )
    elif not metered:
        norm = lookups.norm(acc, period)
        volume = rules.norm_volume(norm, acc.residents, 1)
        rate = lookups.rate(acc, 1, 1, period)
        text = rules.explain_norm(norm, acc.residents, acc.rooms, 1, 0, False, None)
        lines.append(
            ChargeLine(acc.account_id, 1, None, None, None, volume, rate,
                       to_kopecks(volume * rate), Decimal(0), VolumeMethod.NORM, text)
        )  # fmt: skip
    return lines


def _meter_line(
    acc: AccountIn,
    zone: int,
    items: list[_Metered],
    charges: list[Charge],
    lookups: Lookups,
    period: dt.date,
) -> ChargeLine:
    total = sum((x.volume for x in items), Decimal(0))
    since = min(x.base.period for x in items)
    latest = max(items, key=lambda x: _key(x.current))
    zones = latest.meter.zones
    estimated = [
        c
        for c in charges
        if c.zone == zone and since < c.period < period and c.volume_method != VolumeMethod.METER
    ]
    share, volume = rules.split_actual(total, len(estimated))
    rate = lookups.rate(acc, zones, zone, period)
    recalculation = Decimal(0)
    if estimated:
        rates = sum((lookups.rate(acc, zones, zone, c.period) for c in estimated), Decimal(0))
        recalculation = to_kopecks(share * rates) - sum((c.charged for c in estimated), Decimal(0))
    text = rules.explain_meter(
        latest.base.value, latest.current.value, latest.meter.transformation_ratio,
        len(items), len(estimated), total,
    )  # fmt: skip
    return ChargeLine(
        acc.account_id, zone, latest.meter.id, latest.base.value, latest.current.value, volume,
        rate, to_kopecks(volume * rate), recalculation, VolumeMethod.METER, text,
    )  # fmt: skip


def _estimated_line(
    acc: AccountIn,
    cur: Meter,
    zone: int,
    base: Reading | None,
    charges: list[Charge],
    lookups: Lookups,
    period: dt.date,
    max_estimated: int,
) -> ChargeLine:
    gap = rules.gap_periods(base.period if base else None, cur.installed_on, period)
    window = add_months(period, -rules.AVERAGE_WINDOW_MONTHS)
    history = [
        c.volume
        for c in charges
        if c.zone == zone and window <= c.period < period and c.volume_method == VolumeMethod.METER
    ]
    average = round_volume(sum(history, Decimal(0)) / len(history)) if history else None
    method = rules.estimated_method(gap, max_estimated, average)
    nv = cur.next_verification_on
    expired_on = nv if nv is not None and nv <= rules.month_end(period) else None
    if method is VolumeMethod.AVERAGE:
        assert average is not None
        rate = lookups.rate(acc, cur.zones, zone, period)
        text = rules.explain_average(average, gap, max_estimated, expired_on)
        volume = average
    else:
        norm = lookups.norm(acc, period)
        volume = rules.norm_volume(norm, acc.residents, cur.zones)
        rate = lookups.rate(acc, 1, 1, period)
        text = rules.explain_norm(norm, acc.residents, acc.rooms, cur.zones, gap, True, expired_on)
    return ChargeLine(
        acc.account_id, zone, cur.id, None, None, volume, rate, to_kopecks(volume * rate),
        Decimal(0), method, text,
    )  # fmt: skip
