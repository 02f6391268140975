"""Documents issued to customers, kept so a reprint is identical to the original."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, str_enum
from console.models.enums import DocumentKind


class IssuedDocument(Base):
    """A printed document: kind, subject, period, and the exact bytes that were printed."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[dt.date | None] = mapped_column(Date)
    subject_id: Mapped[int | None] = mapped_column()  # payment, refund, appeal id
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (Index("ix_issued_documents_account_kind", "account_id", "kind", "period"),)


class IssuedDocumentPage(Base):
    """A page of a stored batch (an ``issued_documents`` row without an account): whose
    document for which month it is, so reprints come from the stored bytes."""

    __tablename__ = "issued_document_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"))
    page: Mapped[int] = mapped_column(Integer)  # 0-based
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("issued_document_id", "page"),
        Index("ix_issued_document_pages_account_period", "account_id", "period"),
    )
