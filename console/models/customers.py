"""Customers (физические лица) and their links to accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, CreatedAt, Versioned, str_enum, unique_when_set
from console.models.enums import BindingProof, HolderRelation


class Customer(Versioned, CreatedAt, Base):
    """A person, identified by a Russian passport.

    The passport, СНИЛС and birth date (152-ФЗ) are not here: they live sealed in
    ``customer_identities``, which staff reach only through audited one-record functions
    (migration 0006, services/identity.py). ``passport_masked`` is what screens may show."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))
    passport_masked: Mapped[str | None] = mapped_column(String(16))  # «71 ** ******»
    registration_address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(16), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(120), index=True)
    pd_consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    pd_consent_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    mailing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # "фамилия имя отчество", casefolded with ё→е; trigram-indexed on PostgreSQL.
    search_text: Mapped[str] = mapped_column(String(250))

    __table_args__ = (
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


class CustomerIdentity(Base):
    """A customer's passport, СНИЛС and birth date, sealed (152-ФЗ ст.19).

    ``sealed`` is a JSON object: on PostgreSQL encrypted with pgcrypto under a key staff cannot
    read, and the table itself is the owner's only; on SQLite (one desk, no boundary) plain
    JSON. ``passport_hash`` is an HMAC-SHA256 of series + number under a second key: unique, so
    one passport belongs to one customer even when two clerks save it at the same moment."""

    __tablename__ = "customer_identities"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    passport_hash: Mapped[str | None] = mapped_column(String(64))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (unique_when_set("uq_customer_identities_passport_hash", "passport_hash"),)


class ConsoleSecret(Base):
    """Keys made at migration time (the seal, the passport hash); never readable by staff."""

    __tablename__ = "console_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class PassportRecord(CreatedAt, Base):
    """A passport the customer held before (kept when a new one replaces it), sealed like
    ``customer_identities``; only the masked form is readable by staff."""

    __tablename__ = "passport_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    passport_masked: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
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
