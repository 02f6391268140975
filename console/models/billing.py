"""Billing periods, charges, the append-only ledger and closed-period statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import (
    BRIN,
    Base,
    CreatedAt,
    Money,
    Rate,
    Versioned,
    Volume,
    str_enum,
)
from console.models.enums import LedgerKind, PeriodStatus, VolumeMethod


class BillingPeriod(Versioned, Base):
    """Расчётный период: a month, open until the billing run closes it."""

    __tablename__ = "billing_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[dt.date] = mapped_column(Date, unique=True)  # first day of the month
    status: Mapped[PeriodStatus] = mapped_column(str_enum(PeriodStatus))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Charge(CreatedAt, Base):
    """Начисление: account × service × period × zone, with how the volume was determined."""

    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    period: Mapped[dt.date] = mapped_column(Date)
    zone: Mapped[int] = mapped_column(Integer, default=1)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))
    reading_from: Mapped[Decimal | None] = mapped_column(Volume)
    reading_to: Mapped[Decimal | None] = mapped_column(Volume)
    volume: Mapped[Decimal] = mapped_column(Volume)
    tariff: Mapped[Decimal] = mapped_column(Rate)
    raising_coefficient: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal(1))
    excess_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # размер превышения
    charged: Mapped[Decimal] = mapped_column(Money)
    recalculation: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    volume_method: Mapped[VolumeMethod] = mapped_column(str_enum(VolumeMethod))
    explanation: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        UniqueConstraint("account_id", "period", "service_id", "zone"),
        # Charges arrive a month at a time, so the period follows the table's physical order:
        # a BRIN index finds a month's pages at a fraction of a B-tree's size and upkeep;
        # autosummarize has autovacuum summarise each range of pages once it is full.
        Index("ix_charges_period", "period", **BRIN),
    )


class LedgerEntry(CreatedAt, Base):
    """A money movement on an account. Append-only: triggers refuse UPDATE and DELETE.

    Positive amounts raise the debt (charges), negative ones lower it (payments, refunds of
    debt). The balance is the sum; positive = долг, negative = переплата/аванс.
    """

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind))
    amount: Mapped[Decimal] = mapped_column(Money)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund_applications.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    description: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_ledger_entries_account_period", "account_id", "period"),)


class AccountStatement(Base):
    """A closed month of an account: opening + charged + recalculated − paid = closing."""

    __tablename__ = "account_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[dt.date] = mapped_column(Date)
    opening: Mapped[Decimal] = mapped_column(Money)
    charged: Mapped[Decimal] = mapped_column(Money)
    recalculated: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    closing: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (UniqueConstraint("account_id", "period"),)
