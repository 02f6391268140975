"""The cheque journal: one fiscal cheque per counter payment (or cash refund), exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, CreatedAt, Money, str_enum, unique_when_set
from console.models.enums import FiscalChequeStatus


class FiscalCheque(CreatedAt, Base):
    """A cheque the ККТ must register for a payment or refund.

    Written "pending" in the payment's own transaction, so a payment never lacks one. The ККТ
    is sent ``idempotency_key.attempt`` as its request uuid; ``sent_at`` is set (and committed)
    before a send, so after a crash or a timeout the console asks the ККТ for that uuid's result
    before sending again. ``attempt`` moves on only when the ККТ answered that the uuid was not
    registered. Once registered, nothing changes (a PostgreSQL trigger holds it); rows are
    never deleted."""

    __tablename__ = "fiscal_cheques"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund_applications.id"))
    kind: Mapped[str] = mapped_column(String(24))  # ChequeKind: sell / sellReturn
    idempotency_key: Mapped[str] = mapped_column(String(80))
    amount: Mapped[Decimal] = mapped_column(Money)
    # The cheque exactly as first built (positions, tender, cashier): every retry sends this.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Tag 1008 — the customer's e-mail or phone; cleared once the cheque is registered.
    customer_contact: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[FiscalChequeStatus] = mapped_column(
        str_enum(FiscalChequeStatus), default=FiscalChequeStatus.PENDING
    )
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error_code: Mapped[str | None] = mapped_column(String(24))
    last_error: Mapped[str | None] = mapped_column(String(300))
    fn_number: Mapped[str | None] = mapped_column(String(16))
    fd_number: Mapped[int | None] = mapped_column(Integer)
    fiscal_sign: Mapped[str | None] = mapped_column(String(16))
    shift_number: Mapped[int | None] = mapped_column(Integer)
    number_in_shift: Mapped[int | None] = mapped_column(Integer)
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    registration_number: Mapped[str | None] = mapped_column(String(20))
    ofd_site: Mapped[str | None] = mapped_column(String(120))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    workstation: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        Index("uq_fiscal_cheques_idempotency_key", "idempotency_key", unique=True),
        unique_when_set("uq_fiscal_cheques_payment_id", "payment_id"),
        unique_when_set("uq_fiscal_cheques_refund_id", "refund_id"),
        Index("ix_fiscal_cheques_status", "status"),
    )
