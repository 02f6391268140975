"""An office's cash day (кассовая смена офиса): closed, handed over, reopened by a supervisor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, Money, Versioned, str_enum
from console.models.enums import CashDayStatus


class CashDay(Versioned, Base):
    """One office day once somebody closed it: the figures, the handover and any reopening.

    While ``status`` is «закрыта», no payment or refund lands between ``starts_at`` and
    ``ends_at`` (the office's local day, fixed at closing) at that office."""

    __tablename__ = "cash_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[CashDayStatus] = mapped_column(str_enum(CashDayStatus))
    cash_in: Mapped[Decimal] = mapped_column(Money)
    cash_out: Mapped[Decimal] = mapped_column(Money)
    kkt_cash_in: Mapped[Decimal | None] = mapped_column(Money)
    kkt_cash_out: Mapped[Decimal | None] = mapped_column(Money)
    kkt_shift: Mapped[int | None] = mapped_column(Integer)
    difference: Mapped[Decimal] = mapped_column(Money)
    explanation: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # сдал
    received_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # принял
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reopen_reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("office_id", "day", name="uq_cash_days_office_day"),)
