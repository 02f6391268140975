"""Changing a registered customer later: contacts, surname, passport; revealing the passport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import Account, Customer, PassportRecord
from console.services.core import validators
from console.services.core.database import Database
from console.services.core.errors import ConflictError, NotFoundError, ValidationError
from console.services.privacy import identity
from console.services.registration.customer import apply_changes, set_passport
from console.services.registration.forms import CustomerDetails, bound_accounts
from console.services.staff.actor import Actor


@dataclass(frozen=True)
class CustomerEdit:
    """What the edit dialog sends: text as typed; empty optional fields clear the value,
    except СНИЛС, which is sealed and not shown: empty keeps it, a number replaces it."""

    last_name: str
    first_name: str
    middle_name: str = ""
    registration_address: str = ""
    snils: str = ""
    phone: str = ""
    email: str = ""
    mailing_consent: bool = False


@dataclass(frozen=True)
class PassportEdit:
    series: str
    number: str
    issued_on: str  # ДД.ММ.ГГГГ
    issued_by: str
    division_code: str


def customer_details(db: Database, customer_id: int) -> CustomerDetails:
    with db.read() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFoundError("Клиент не найден.")
        previous = session.scalar(
            select(func.count())
            .select_from(PassportRecord)
            .where(PassportRecord.customer_id == c.id)
        )
        return CustomerDetails(
            id=c.id,
            version=c.version,
            last_name=c.last_name,
            first_name=c.first_name,
            middle_name=c.middle_name,
            passport_masked=c.passport_masked or "",
            registration_address=c.registration_address,
            phone=c.phone,
            email=c.email,
            mailing_consent=c.mailing_consent,
            pd_consent_at=c.pd_consent_at,
            previous_passports=previous or 0,
            accounts=bound_accounts(session, c.id),
        )


def check_edit(edit: CustomerEdit) -> dict[str, Any]:
    """The normalised values, or a ValidationError naming the field."""
    v = validators
    return {
        "last_name": v.person_name(edit.last_name, label="Фамилия", field="last_name"),
        "first_name": v.person_name(edit.first_name, label="Имя", field="first_name"),
        "middle_name": v.person_name(
            edit.middle_name, label="Отчество", field="middle_name", required=False
        )
        or None,
        "registration_address": " ".join(edit.registration_address.split()) or None,
        "snils": v.snils(edit.snils) if edit.snils.strip() else None,
        "phone": v.phone(edit.phone) if edit.phone.strip() else None,
        "email": v.email(edit.email) if edit.email.strip() else None,
        "mailing_consent": edit.mailing_consent,
    }


def _load(session: Session, customer_id: int, version: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("Клиент не найден.")
    if customer.version != version:
        raise ConflictError(
            "Данные клиента изменил другой сотрудник. Ваши правки остались в окне: "
            "закройте его, откройте клиента заново и внесите их ещё раз."
        )
    return customer


def update_customer(
    db: Database, actor: Actor, customer_id: int, version: int, edit: CustomerEdit
) -> CustomerDetails:
    """Save contacts and name changes (a surname after marriage); before/after go to the audit."""
    values = check_edit(edit)
    snils = values.pop("snils")
    with db.transaction() as session:
        customer = _load(session, customer_id, version)
        if customer.email and not values["email"]:
            delivered = session.scalar(
                select(Account.number).where(Account.delivery_email == customer.email).limit(1)
            )
            if delivered is not None:
                raise ValidationError(
                    f"На этот e-mail приходят квитанции по счёту {delivered}: сначала смените "
                    "способ доставки.",
                    "email",
                )
        apply_changes(session, actor, customer, values)
        if snils is not None:
            identity.set_identity(session, actor, customer.id, snils=snils)
    return customer_details(db, customer_id)


def replace_passport(
    db: Database, actor: Actor, customer_id: int, version: int, edit: PassportEdit
) -> CustomerDetails:
    """A new passport (exchange at 20/45, a new surname): the old one goes to the history."""
    series, number = validators.passport(edit.series, edit.number)
    division = validators.division_code(edit.division_code)
    issued_by = validators.required_text(
        edit.issued_by, what="кем выдан паспорт", field="passport_issued_by", max_length=250
    )
    issued_on = validators.passport_issue_date(
        validators.parse_date(
            edit.issued_on, what="дату выдачи паспорта", field="passport_issued_on"
        ),
        None,  # the birth date is sealed: the identity function checks the 14th birthday
    )
    values = {"series": series, "number": number, "issued_on": issued_on,
              "issued_by": issued_by, "division_code": division}  # fmt: skip
    with db.transaction() as session:
        _load(session, customer_id, version)
        if set_passport(session, actor, customer_id, values) not in ("replaced", "created"):
            # Rolled back with the transaction: the stored passport is the one typed.
            raise ValidationError(
                "Это тот же паспорт, что уже записан у клиента.", "passport_number"
            )
    return customer_details(db, customer_id)


def reveal_passport(db: Database, actor: Actor, customer_id: int) -> identity.Identity:
    """The customer's passport, СНИЛС and birth date; each look is recorded (152-ФЗ, ст. 19)."""
    with db.transaction() as session:
        if session.get(Customer, customer_id) is None:
            raise NotFoundError("Клиент не найден.")
        found = identity.reveal(session, actor, customer_id)
        return found or identity.Identity()
