"""«Статистика»: monthly consumption by zone for a year, with the largest, smallest and total.

Consumption is the billed volume of the metered service (what the bills said, whether by the
meter, the average or the norm), as the customer portals of the seeds show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import extract, func, select

from console.models import Charge, Meter, Service
from console.services.core.database import Database
from console.services.vocabulary.labels import zone_name


@dataclass(frozen=True)
class MonthConsumption:
    month: int  # 1..12
    by_zone: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.by_zone, Decimal(0))


@dataclass(frozen=True)
class Consumption:
    year: int
    years: tuple[int, ...]  # years that have data, newest first
    zone_names: tuple[str, ...]
    months: tuple[MonthConsumption, ...]  # twelve, January first

    @property
    def total(self) -> Decimal:
        return sum((m.total for m in self.months), Decimal(0))

    @property
    def largest(self) -> MonthConsumption | None:
        billed = [m for m in self.months if m.total > 0]
        return max(billed, key=lambda m: m.total) if billed else None

    @property
    def smallest(self) -> MonthConsumption | None:
        billed = [m for m in self.months if m.total > 0]
        return min(billed, key=lambda m: m.total) if billed else None


def consumption(db: Database, account_id: int, year: int | None = None) -> Consumption:
    """kWh per month and zone of ``year`` (default: the latest year with data)."""
    with db.read() as session:
        metered = select(Service.id).where(Service.metered)
        base = select(Charge).where(
            Charge.account_id == account_id, Charge.service_id.in_(metered.scalar_subquery())
        )
        years = tuple(
            sorted(
                {
                    int(y)
                    for (y,) in session.execute(
                        select(extract("year", Charge.period))
                        .where(Charge.account_id == account_id)
                        .distinct()
                    )
                },
                reverse=True,
            )
        )
        year = year or (years[0] if years else dt.date.today().year)
        zones = session.scalar(select(func.max(Meter.zones)).where(Meter.account_id == account_id))
        zones = int(zones or 1)
        sums: dict[tuple[int, int], Decimal] = {}
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        for charge in session.scalars(base.where(Charge.period >= start, Charge.period < end)):
            key = (charge.period.month, charge.zone)
            sums[key] = sums.get(key, Decimal(0)) + charge.volume
            zones = max(zones, charge.zone)
    return Consumption(
        year=year,
        years=years,
        zone_names=tuple(zone_name(zones, z) for z in range(1, zones + 1)),
        months=tuple(
            MonthConsumption(m, tuple(sums.get((m, z), Decimal(0)) for z in range(1, zones + 1)))
            for m in range(1, 13)
        ),
    )
