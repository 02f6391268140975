"""Appeals (обращения), their topics with deadlines, paid services and number sequences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, Money, Versioned, str_enum
from console.models.enums import AppealChannel, AppealKind, AppealStatus


class AppealTopic(Base):
    """Тема обращения with its answer deadline in days (a setting per topic)."""

    __tablename__ = "appeal_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    deadline_days: Mapped[int] = mapped_column(Integer, default=30)


class PaidService(Versioned, Base):
    """An item of the paid services catalogue (замена счётчика, …)."""

    __tablename__ = "paid_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Money)
    unit: Mapped[str] = mapped_column(String(24))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Appeal(Versioned, Base):
    """Обращение or a paid-service order; the customer leaves with ``number``."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[AppealKind] = mapped_column(str_enum(AppealKind))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    applicant_name: Mapped[str] = mapped_column(String(250))
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[AppealChannel] = mapped_column(str_enum(AppealChannel))
    topic_id: Mapped[int] = mapped_column(ForeignKey("appeal_topics.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(str_enum(AppealStatus), index=True)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    registered_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    assigned_to_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    paid_service_id: Mapped[int | None] = mapped_column(ForeignKey("paid_services.id"))
    price: Mapped[Decimal | None] = mapped_column(Money)
    # An appeal against a decision: the refund application or charge it disputes.
    disputes_refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund_applications.id"))
    disputes_charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class NumberSequence(Base):
    """Gap-free counters per (scope, year): appeal and refund registration numbers.

    Incremented with ``UPDATE … RETURNING`` in the registering transaction, so a rolled-back
    registration leaves no hole and concurrent clerks queue on the row lock.
    """

    __tablename__ = "number_sequences"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
