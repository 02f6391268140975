"""Meters (приборы учёта) and their readings (показания)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import BRIN, Base, Versioned, Volume, str_enum, unique_when_set
from console.models.enums import MeterKind, MeterStatus, ReadingSource, ReadingStatus


class Meter(Versioned, Base):
    """A meter on an account: serial, model, zones (1–3), digits, verification dates."""

    __tablename__ = "meters"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    serial: Mapped[str] = mapped_column(String(32), index=True)
    model: Mapped[str] = mapped_column(String(80))
    kind: Mapped[MeterKind] = mapped_column(str_enum(MeterKind))
    zones: Mapped[int] = mapped_column(Integer)
    digits: Mapped[int] = mapped_column(Integer)  # значность: digits before the decimal point
    transformation_ratio: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(1))
    installed_on: Mapped[dt.date] = mapped_column(Date)
    last_verified_on: Mapped[dt.date | None] = mapped_column(Date)
    next_verification_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[MeterStatus] = mapped_column(str_enum(MeterStatus))
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))

    __table_args__ = (
        CheckConstraint("zones BETWEEN 1 AND 3", name="zones_1_to_3"),
        CheckConstraint("digits BETWEEN 3 AND 9", name="digits_3_to_9"),
    )


class Reading(Base):
    """One register value of one zone. Never edited: a correction supersedes it."""

    __tablename__ = "readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"))
    zone: Mapped[int] = mapped_column(Integer)  # 1 = T1 (день / круглосуточно), 2 = T2, 3 = T3
    value: Mapped[Decimal] = mapped_column(Volume)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    period: Mapped[dt.date] = mapped_column(Date)  # first day of the billing month it counts in
    source: Mapped[ReadingSource] = mapped_column(str_enum(ReadingSource))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[ReadingStatus] = mapped_column(str_enum(ReadingStatus))
    reason: Mapped[str | None] = mapped_column(String(300))
    is_rollover: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("zone BETWEEN 1 AND 3", name="zone_1_to_3"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        Index("ix_readings_meter_zone_taken", "meter_id", "zone", "taken_on"),
        Index("ix_readings_period", "period", **BRIN),  # as ix_charges_period
        unique_when_set("uq_readings_idempotency_key", "idempotency_key"),
    )
