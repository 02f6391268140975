"""Bills by e-mail: each send of a stored payment document, and the paper-refusal applications."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, str_enum
from console.models.enums import EmailKind, EmailStatus


class EmailDelivery(Base):
    """One e-mail of one stored payment document to the account's address.

    The monthly run makes at most one row per account and month (``kind`` monthly, ``copy`` 1);
    a clerk's «Отправить по e-mail» adds copies 1, 2, … of kind manual. The status moves
    queued → sending → sent | failed | bounced, failed → sending again (migration 0012 holds
    the edges on PostgreSQL); rows are never deleted.
    """

    __tablename__ = "email_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[EmailKind] = mapped_column(str_enum(EmailKind, 12))
    copy: Mapped[int] = mapped_column(Integer, default=1)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(120))
    status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus, 12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    #: What went wrong, without personal data: the server's code and a fixed Russian phrase.
    last_error: Mapped[str | None] = mapped_column(String(200))
    smtp_code: Mapped[int | None] = mapped_column(Integer)
    #: Chosen before the SMTP transaction and kept for every retry of this row.
    message_id: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    sent_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (
        UniqueConstraint("account_id", "period", "kind", "copy"),
        Index("ix_email_deliveries_period_status", "period", "status"),
    )


class PaperRefusal(Base):
    """«Заявление об отказе от получения платёжного документа на бумажном носителе»: numbered,
    made in the transaction that switched the account's delivery to e-mail."""

    __tablename__ = "paper_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    email: Mapped[str] = mapped_column(String(120))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
