"""The audit trail: who did what, when, where, with before/after values. Append-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base


class AuditEvent(Base):
    """One recorded action. Written in the same transaction as the change it records."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The database login that wrote it (PostgreSQL fills it from session_user): names the owner
    # or a CLI role that is no staff member, where staff_id stays empty.
    login: Mapped[str | None] = mapped_column(String(63))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    workstation: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))  # "payment.create", "customer.reveal_passport"
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_account", "account_id"),
        Index("ix_audit_events_staff_time", "staff_id", "occurred_at"),
    )
