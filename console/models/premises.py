"""Addresses of premises (помещения) with the attributes printed on the bill."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, Versioned, str_enum
from console.models.enums import SettlementKind, StoveType


class Premise(Versioned, Base):
    """An apartment or a house: "г. Оренбург, ул. Ленина, д. 1, кв. 11"."""

    __tablename__ = "premises"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    settlement_type: Mapped[str] = mapped_column(String(8))  # г., д., с., пгт
    settlement: Mapped[str] = mapped_column(String(120))
    settlement_kind: Mapped[SettlementKind] = mapped_column(str_enum(SettlementKind))
    street_type: Mapped[str | None] = mapped_column(String(12))  # ул., пр-т, пер.
    street: Mapped[str | None] = mapped_column(String(120))
    house: Mapped[str] = mapped_column(String(16))
    building: Mapped[str | None] = mapped_column(String(16))
    flat: Mapped[str | None] = mapped_column(String(16))
    area: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    rooms: Mapped[int | None] = mapped_column(Integer)
    residents: Mapped[int] = mapped_column(Integer, default=1)
    stove_type: Mapped[StoveType] = mapped_column(str_enum(StoveType))
    # Normalised text for loose lookup: casefolded, ё→е, punctuation and abbreviations dropped.
    # Kept by console.services.core.normalize; trigram-indexed on PostgreSQL.
    search_text: Mapped[str] = mapped_column(String(400))

    __table_args__ = (
        Index(
            "ix_premises_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        Index("ix_premises_street_house_flat", "street", "house", "flat"),
    )
