"""Refund applications (заявления на возврат переплаты) and attachments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, CreatedAt, Money, Versioned, str_enum, unique_when_set
from console.models.enums import RefundPayout, RefundReason, RefundStatus


class RefundApplication(Versioned, Base):
    """A written application to return an overpayment, under dual control."""

    __tablename__ = "refund_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[RefundReason] = mapped_column(str_enum(RefundReason))
    payout: Mapped[RefundPayout] = mapped_column(str_enum(RefundPayout))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    bic: Mapped[str | None] = mapped_column(String(9))
    settlement_account: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[RefundStatus] = mapped_column(str_enum(RefundStatus), index=True)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    registered_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    reviewed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The payout (0010): who paid it out at which office; cash goes with a расходный кассовый
    # ордер (КО-2) of its own number and a «возврат прихода» cheque, a transfer names its
    # payment order. Set once, with the status «выплачено», never changed afterwards.
    paid_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    paid_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    cash_order_number: Mapped[str | None] = mapped_column(String(32))
    payment_order_number: Mapped[str | None] = mapped_column(String(20))
    payment_order_date: Mapped[dt.date | None] = mapped_column(Date)
    cheque_key: Mapped[str | None] = mapped_column(String(64))
    cheque_fn_number: Mapped[str | None] = mapped_column(String(20))
    cheque_fd_number: Mapped[int | None] = mapped_column(Integer)
    cheque_fiscal_sign: Mapped[str | None] = mapped_column(String(20))
    cheque_shift: Mapped[int | None] = mapped_column(Integer)
    cheque_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        unique_when_set("uq_refund_applications_cash_order_number", "cash_order_number"),
    )


class RefundApplicationPayment(Base):
    """A payment the refund application concerns."""

    __tablename__ = "refund_application_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refund_applications.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))


class Attachment(CreatedAt, Base):
    """A scan (PDF/JPEG/PNG) stored in the database, owned by a refund or an appeal."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(24))  # "refund_application", "appeal"
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
