"""Лицевые счета: the account a supplier bills, at a premise."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, Versioned, str_enum
from console.models.enums import AccountStatus, BillDelivery, ConsumptionCategory


class Account(Versioned, Base):
    """Лицевой счёт. ``number`` is digits only, unique within its supplier."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(13), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    premise_id: Mapped[int] = mapped_column(ForeignKey("premises.id"), index=True)
    category: Mapped[ConsumptionCategory] = mapped_column(str_enum(ConsumptionCategory))
    status: Mapped[AccountStatus] = mapped_column(str_enum(AccountStatus))
    bill_delivery: Mapped[BillDelivery] = mapped_column(str_enum(BillDelivery))
    delivery_email: Mapped[str | None] = mapped_column(String(120))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("supplier_id", "number"),
        Index(
            "ix_accounts_number_trgm",
            "number",
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops"},
        ),
    )
