"""Changing a registered customer later: contacts, surname, passport; revealing the passport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc, func, select
from sqlalchemy.orm import Session

from console.models import Account, Customer, PassportRecord
from console.services import audit, validators
from console.services.actor import Actor
from console.services.database import Database
from console.services.errors import ConflictError, NotFoundError, ValidationError
from console.services.formatting import mask_passport
from console.services.registration import apply_changes, archive_passport
from console.services.registration_types import (
    CustomerDetails,
    Person,
    bound_accounts,
)


@dataclass(frozen=True)
class CustomerEdit:
    """What the edit dialog sends: text as typed; empty optional fields clear the value."""

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
            birth_date=c.birth_date,
            passport_masked=mask_passport(c.passport_series, c.passport_number),
            passport_issued_on=c.passport_issued_on,
            passport_issued_by=c.passport_issued_by,
            passport_division_code=c.passport_division_code,
            registration_address=c.registration_address,
            snils=c.snils,
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
    try:
        with db.transaction() as session:
            customer = _load(session, customer_id, version)
            issued_on = validators.passport_issue_date(
                validators.parse_date(
                    edit.issued_on, what="дату выдачи паспорта", field="passport_issued_on"
                ),
                customer.birth_date,
            )
            if (customer.passport_series, customer.passport_number) == (series, number):
                raise ValidationError(
                    "Это тот же паспорт, что уже записан у клиента.", "passport_number"
                )
            person = Person(
                last_name=customer.last_name,
                first_name=customer.first_name,
                middle_name=customer.middle_name,
                birth_date=customer.birth_date or issued_on,
                passport_series=series,
                passport_number=number,
                passport_issued_on=issued_on,
                passport_issued_by=issued_by,
                passport_division_code=division,
                registration_address=customer.registration_address or "",
            )
            archive_passport(session, actor, customer, person)
    except exc.IntegrityError:
        raise ValidationError(
            "Этот паспорт уже записан на другого клиента: проверьте серию и номер.",
            "passport_number",
        ) from None
    return customer_details(db, customer_id)


def reveal_passport(db: Database, actor: Actor, customer_id: int) -> str:
    """The full passport "4508 123456"; each look is recorded (152-ФЗ, ст. 19)."""
    with db.transaction() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("Клиент не найден.")
        audit.record(session, actor, "customer.reveal_passport", "customer", customer.id)
        return f"{customer.passport_series or ''} {customer.passport_number or ''}".strip()
