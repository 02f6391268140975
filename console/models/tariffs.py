"""Tariffs (region × consumption category × zone, with history) and consumption norms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, Rate, Versioned, str_enum
from console.models.enums import ConsumptionCategory


class Tariff(Versioned, Base):
    """A rate in руб./кВт·ч valid from a date; zone 1 of 1 is the single-rate tariff."""

    __tablename__ = "tariffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    category: Mapped[ConsumptionCategory] = mapped_column(str_enum(ConsumptionCategory))
    zones_count: Mapped[int] = mapped_column(Integer)
    zone: Mapped[int] = mapped_column(Integer)
    rate: Mapped[Decimal] = mapped_column(Rate)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)  # exclusive; None = open-ended
    # Components printed on the bill (покупная электроэнергия, передача, сбытовая надбавка, прочие).
    purchase_component: Mapped[Decimal | None] = mapped_column(Rate)
    transmission_component: Mapped[Decimal | None] = mapped_column(Rate)
    retail_component: Mapped[Decimal | None] = mapped_column(Rate)
    other_component: Mapped[Decimal | None] = mapped_column(Rate)

    __table_args__ = (
        CheckConstraint("zone BETWEEN 1 AND zones_count", name="zone_in_range"),
        Index("ix_tariffs_lookup", "region_id", "category", "zones_count", "zone", "valid_from"),
    )


class ConsumptionNorm(Base):
    """Норматив потребления, кВт·ч per person per month, by category and rooms."""

    __tablename__ = "consumption_norms"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    category: Mapped[ConsumptionCategory] = mapped_column(str_enum(ConsumptionCategory))
    rooms: Mapped[int] = mapped_column(Integer)  # 4 means "4 and more"
    kwh_per_person: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    valid_from: Mapped[dt.date] = mapped_column(Date)
