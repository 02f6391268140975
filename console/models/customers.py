"""Customers (физические лица) and their links to accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, CreatedAt, Versioned, str_enum
from console.models.enums import BindingProof, HolderRelation


class Customer(Versioned, CreatedAt, Base):
    """A person, identified by a Russian passport. Personal data (152-ФЗ): masked on screen."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    passport_series: Mapped[str | None] = mapped_column(String(4))
    passport_number: Mapped[str | None] = mapped_column(String(6))
    passport_issued_by: Mapped[str | None] = mapped_column(String(250))
    passport_issued_on: Mapped[dt.date | None] = mapped_column(Date)
    passport_division_code: Mapped[str | None] = mapped_column(String(7))
    registration_address: Mapped[str | None] = mapped_column(String(300))
    snils: Mapped[str | None] = mapped_column(String(11))
    phone: Mapped[str | None] = mapped_column(String(16), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(120), index=True)
    pd_consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    pd_consent_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    mailing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # "фамилия имя отчество", casefolded with ё→е; trigram-indexed on PostgreSQL.
    search_text: Mapped[str] = mapped_column(String(250))

    __table_args__ = (
        # One passport, one customer, even when two clerks save at the same moment.
        UniqueConstraint("passport_series", "passport_number"),
        Index(
            "ix_customers_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        # Surnames are typed from the start: a range scan beats common trigrams (0003_lookup).
        Index(
            "ix_customers_search_text_prefix",
            "search_text",
            postgresql_ops={"search_text": "text_pattern_ops"},
            postgresql_include=["id"],
        ),
    )


class PassportRecord(CreatedAt, Base):
    """A passport the customer held before (kept when a new one replaces it)."""

    __tablename__ = "passport_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    series: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(6))
    issued_by: Mapped[str | None] = mapped_column(String(250))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    division_code: Mapped[str | None] = mapped_column(String(7))
    replaced_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class AccountHolder(Versioned, Base):
    """A person bound to an account with a relation (Собственник, Наниматель, …)."""

    __tablename__ = "account_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    relation: Mapped[HolderRelation] = mapped_column(str_enum(HolderRelation))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)  # the account holder
    proof: Mapped[BindingProof | None] = mapped_column(str_enum(BindingProof))
    bound_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    bound_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    unbound_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    unbound_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    unbound_reason: Mapped[str | None] = mapped_column(String(300))
