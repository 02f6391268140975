"""What the registration services take and return: typed forms and frozen results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Account, AccountHolder, Customer
from console.models.enums import BindingProof as BindingProof
from console.models.enums import HolderRelation as HolderRelation
from console.services.core.address_format import full_name, person_name

#: Fields of a customer that people edit; the audit trail keeps their before/after values.
#: СНИЛС and birth date are personal data kept sealed (services/identity.py).
EDITABLE_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "registration_address",
    "phone",
    "email",
    "mailing_consent",
)


@dataclass(frozen=True)
class PersonForm:
    """What the clerk typed, as text: checked by ``registration.check_person``."""

    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    birth_date: str = ""  # ДД.ММ.ГГГГ
    passport_series: str = ""
    passport_number: str = ""
    passport_issued_on: str = ""
    passport_issued_by: str = ""
    passport_division_code: str = ""
    registration_address: str = ""
    snils: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Person:
    """A checked, normalised person with a passport."""

    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date
    passport_series: str
    passport_number: str
    passport_issued_on: dt.date
    passport_issued_by: str
    passport_division_code: str
    registration_address: str
    snils: str | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    def identity_values(self) -> dict[str, Any]:
        """The sealed part, as ``identity.set_identity`` takes it."""
        return {
            "series": self.passport_series, "number": self.passport_number,
            "issued_by": self.passport_issued_by, "issued_on": self.passport_issued_on,
            "division_code": self.passport_division_code, "snils": self.snils,
            "birth_date": self.birth_date,
        }  # fmt: skip

    def person_values(self) -> dict[str, Any]:
        names = ("last_name", "first_name", "middle_name", "registration_address")
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class BindingRequest:
    """Bind the customer to an account, proving the link with ``proof`` and ``answer``."""

    account_id: int
    relation: str  # a HolderRelation code
    proof: str  # a BindingProof code
    answer: str = ""  # bill total, meter serial or the document's description
    account_version: int | None = None  # what the clerk saw; a change meanwhile is a conflict


@dataclass(frozen=True)
class Consents:
    personal_data: bool
    mailing: bool = False


@dataclass(frozen=True)
class RegistrationRequest:
    """Everything the wizard saves in one transaction."""

    person: Person
    consents: Consents
    bindings: tuple[BindingRequest, ...] = ()
    bill_delivery: str = "paper"  # a BillDelivery code, applied to the bound accounts
    existing_customer_id: int | None = None  # continue with a customer already on file
    existing_version: int | None = None
    replace_passport: bool = False  # the existing customer's passport is replaced (history kept)


@dataclass(frozen=True)
class CustomerSummary:
    """A customer as lists show them: the passport masked (152-ФЗ); the birth date only where
    the clerk typed it and it matched (the same-person check)."""

    id: int
    version: int
    full_name: str
    birth_date: dt.date | None
    passport_masked: str
    phone: str | None
    email: str | None
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicateCheck:
    """``similar``: the same birth date and a name a letter or two off (a possible duplicate);
    ``warnings``: what the clerk must know before going on (a minor)."""

    same_passport: CustomerSummary | None
    same_person: tuple[CustomerSummary, ...] = ()
    similar: tuple[CustomerSummary, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistrationResult:
    """``duplicate``: that passport is already on file (``customer``); nothing was saved."""

    customer: CustomerSummary
    created: bool
    duplicate: bool = False
    bound: tuple[str, ...] = ()
    #: Bound accounts whose bill delivery was left as it was: the customer is neither the
    #: owner nor the account's holder, so the choice on the form is not theirs to make.
    delivery_kept: tuple[str, ...] = ()
    #: Paper-refusal applications made for the accounts switched to e-mail (ids, to print).
    paper_refusals: tuple[int, ...] = ()


@dataclass(frozen=True)
class AccountBrief:
    """An account as the binding page shows it."""

    account_id: int
    number: str
    holder: str
    address: str
    supplier: str
    active: bool
    version: int


@dataclass(frozen=True)
class HolderRow:
    """A person bound to an account."""

    holder_id: int
    version: int
    customer_id: int
    full_name: str
    relation: str
    relation_label: str
    proof_label: str
    is_primary: bool
    bound_at: dt.datetime
    passport_masked: str
    phone: str | None


@dataclass(frozen=True)
class CustomerDetails:
    """A customer for the edit dialog; passport, СНИЛС and birth date only when revealed."""

    id: int
    version: int
    last_name: str
    first_name: str
    middle_name: str | None
    passport_masked: str
    registration_address: str | None
    phone: str | None
    email: str | None
    mailing_consent: bool
    pd_consent_at: dt.datetime | None
    previous_passports: int
    accounts: tuple[str, ...] = field(default=())

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


def bound_accounts(session: Session, customer_id: int) -> tuple[str, ...]:
    rows = session.scalars(
        select(Account.number)
        .join(AccountHolder, AccountHolder.account_id == Account.id)
        .where(AccountHolder.customer_id == customer_id, AccountHolder.unbound_at.is_(None))
        .order_by(Account.number)
    )
    return tuple(rows)


def summarize(
    session: Session, customer: Customer, birth_date: dt.date | None = None
) -> CustomerSummary:
    return CustomerSummary(
        id=customer.id,
        version=customer.version,
        full_name=person_name(customer),
        birth_date=birth_date,
        passport_masked=customer.passport_masked or "",
        phone=customer.phone,
        email=customer.email,
        accounts=bound_accounts(session, customer.id),
    )
