"""Regions, suppliers (with their bank requisites), offices, staff and the billed services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from console.models.base import Base, CreatedAt, Money, Versioned, str_enum
from console.models.enums import StaffRole


class Region(Base):
    """Субъект РФ (or a part of it) with its own regulated tariffs."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Supplier(Versioned, Base):
    """Гарантирующий поставщик or payment agent, with the requisites printed on every bill."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # prefix of appeal numbers
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    inn: Mapped[str] = mapped_column(String(12))
    kpp: Mapped[str] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(120))
    site: Mapped[str] = mapped_column(String(120))
    bank_name: Mapped[str] = mapped_column(String(160))
    bic: Mapped[str] = mapped_column(String(9))
    settlement_account: Mapped[str] = mapped_column(String(20))
    correspondent_account: Mapped[str] = mapped_column(String(20))
    account_number_length: Mapped[int] = mapped_column(Integer)
    min_payment: Mapped[Decimal] = mapped_column(Money, default=Decimal("50.00"))
    payment_due_day: Mapped[int] = mapped_column(Integer, default=10)
    #: The payment agent that collects this supplier's money (one QR code to the agent on the
    #: bill, and the bill says so); None: this supplier gets a QR code of its own. The server
    #: default keeps the column out of an INSERT that does not name it (a database still being
    #: upgraded, before migration 0011, takes the reference data too).
    collected_by_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id"), server_default=text("NULL")
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # Nor fetched back after an INSERT (RETURNING would name it on an old schema).
        return {"version_id_col": cls.__table__.c.version, "eager_defaults": False}


class Office(Base):
    """Клиентский зал / офис обслуживания."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))


class Staff(Versioned, CreatedAt, Base):
    """A staff member who signs in to the console."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(63), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    # Only for the embedded database; on PostgreSQL the server authenticates the login role and
    # no staff role may read this column, so it is loaded only when asked for.
    password_hash: Mapped[str | None] = mapped_column(String(255), deferred=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Service(Base):
    """A billed service and who receives the money for it (электроснабжение, обслуживание ВДГО)."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    unit: Mapped[str] = mapped_column(String(16))  # "кВт·ч", "мес."
    # Who receives the money; None means the account's own supplier (electricity).
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    metered: Mapped[bool] = mapped_column(Boolean, default=True)
    # A fixed monthly fee for unmetered services; None for metered ones.
    monthly_fee: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
