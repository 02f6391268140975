"""Tariffs and consumption norms in force on a date, as the region's regulator set them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import ConsumptionNorm, Tariff
from console.models.enums import ConsumptionCategory


def tariff_rate(
    session: Session,
    region_id: int,
    category: ConsumptionCategory,
    zones_count: int,
    zone: int,
    on: dt.date,
) -> Decimal | None:
    return session.scalar(
        select(Tariff.rate)
        .where(
            Tariff.region_id == region_id, Tariff.category == category,
            Tariff.zones_count == zones_count, Tariff.zone == zone, Tariff.valid_from <= on,
            (Tariff.valid_to.is_(None)) | (Tariff.valid_to > on),
        )
        .order_by(Tariff.valid_from.desc())
        .limit(1)
    )  # fmt: skip


def norm_per_person(
    session: Session, region_id: int, category: ConsumptionCategory, rooms: int, on: dt.date
) -> Decimal | None:
    return session.scalar(
        select(ConsumptionNorm.kwh_per_person)
        .where(
            ConsumptionNorm.region_id == region_id, ConsumptionNorm.category == category,
            ConsumptionNorm.rooms == rooms, ConsumptionNorm.valid_from <= on,
        )
        .order_by(ConsumptionNorm.valid_from.desc())
        .limit(1)
    )  # fmt: skip


def clamp_rooms(rooms: int | None) -> int:
    return min(max(rooms or 1, 1), 4)
