"""«Показания»: the reading history of an account's meters with source, status and who."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from console.models import Meter, Reading, Staff
from console.models.enums import ReadingSource, ReadingStatus
from console.services.core.database import Database
from console.services.core.metering import metered_volume
from console.services.vocabulary.labels import label_of, zone_name


@dataclass(frozen=True)
class ReadingRow:
    reading_id: int
    meter_id: int
    serial: str
    zone: int
    zone_name: str
    value: Decimal
    consumption: Decimal | None  # kWh since the previous accepted reading of the zone
    taken_on: dt.date
    entered_at: dt.datetime
    period: dt.date
    source: ReadingSource
    source_label: str
    status: str
    status_label: str
    reason: str | None
    entered_by: str
    approved_by: str
    is_rollover: bool


def reading_history(
    db: Database, account_id: int, meter_id: int | None = None
) -> tuple[ReadingRow, ...]:
    """Every reading of the account's meters (or of one meter), newest first."""
    entered_by, approved_by = aliased(Staff), aliased(Staff)
    stmt = (
        select(Reading, Meter.serial, Meter.zones, Meter.digits, Meter.transformation_ratio,
               entered_by.full_name, approved_by.full_name)
        .join(Meter, Meter.id == Reading.meter_id)
        .outerjoin(entered_by, entered_by.id == Reading.staff_id)
        .outerjoin(approved_by, approved_by.id == Reading.approved_by_staff_id)
        .where(Meter.account_id == account_id)
        .order_by(Reading.taken_on, Reading.entered_at, Reading.id)
    )  # fmt: skip
    if meter_id is not None:
        stmt = stmt.where(Reading.meter_id == meter_id)
    with db.read() as session:
        rows = session.execute(stmt).all()
        previous: dict[tuple[int, int], Decimal] = {}
        result = []
        for reading, serial, zones, digits, ratio, entered_name, approved_name in rows:
            key = (reading.meter_id, reading.zone)
            consumption = None
            if reading.status is ReadingStatus.ACCEPTED:
                before = previous.get(key)
                if before is not None:  # as the bill counts it: the ratio, the wrap
                    consumption = metered_volume(before, reading.value, digits, ratio)
                previous[key] = reading.value
            result.append(
                _row(reading, serial, zones, consumption, entered_name or "", approved_name or "")
            )
    result.reverse()
    return tuple(result)


def _row(
    reading: Reading,
    serial: str,
    zones: int,
    consumption: Decimal | None,
    entered_by: str,
    approved_by: str,
) -> ReadingRow:
    return ReadingRow(
        reading_id=reading.id, meter_id=reading.meter_id, serial=serial, zone=reading.zone,
        zone_name=zone_name(zones, reading.zone), value=reading.value, consumption=consumption,
        taken_on=reading.taken_on, entered_at=reading.entered_at, period=reading.period,
        source=reading.source, source_label=label_of(ReadingSource, reading.source),
        status=reading.status.value, status_label=label_of(ReadingStatus, reading.status),
        reason=reading.reason,
        entered_by=entered_by, approved_by=approved_by, is_rollover=reading.is_rollover,
    )  # fmt: skip
