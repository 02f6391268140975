"""Registering a customer with a passport: checks, duplicate search, one-transaction save.

The passport is unique in the database itself (the keyed hash of ``customer_identities``,
services/identity.py): when two clerks save the same passport at the same moment, the second
save fails there and is turned into the same "already on file" result a Python check would give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from console.models import Account, AccountHolder, Customer
from console.models.enums import AuditAction, BillDelivery, HolderRelation
from console.services.account.holders import holder_of
from console.services.core import validators
from console.services.core.database import Database, fold
from console.services.core.errors import ConflictError, NotFoundError, ValidationError
from console.services.core.formatting import mask_passport
from console.services.core.normalize import person_search_text
from console.services.privacy import identity
from console.services.registration.binding import ProofMismatch, bind_in_session, record_attempt
from console.services.registration.forms import (
    EDITABLE_FIELDS,
    CustomerSummary,
    DuplicateCheck,
    Person,
    PersonForm,
    RegistrationRequest,
    RegistrationResult,
    summarize,
)
from console.services.registration.refusal import record_paper_refusal
from console.services.staff import audit
from console.services.staff.actor import Actor

# --- checking what was typed -------------------------------------------------------------------


def _optional(check: Callable[[str], str], text: str) -> str | None:
    return check(text) if text.strip() else None


def check_person(
    form: PersonForm, *, today: dt.date | None = None
) -> tuple[Person | None, dict[str, str]]:
    """Every field checked at once: the person (when all pass) and {field: Russian message}."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def run(name: str, fn: Callable[[], Any]) -> None:
        try:
            values[name] = fn()
        except ValidationError as err:
            errors[err.field if isinstance(err.field, str) else name] = str(err)

    v = validators
    run("last_name", lambda: v.person_name(form.last_name, label="Фамилия", field="last_name"))
    run("first_name", lambda: v.person_name(form.first_name, label="Имя", field="first_name"))
    run(
        "middle_name",
        lambda: (
            v.person_name(form.middle_name, label="Отчество", field="middle_name", required=False)
            or None
        ),
    )
    run(
        "birth_date",
        lambda: v.birth_date(
            v.parse_date(form.birth_date, what="дату рождения", field="birth_date"), today=today
        ),
    )
    run("passport", lambda: v.passport(form.passport_series, form.passport_number))
    run(
        "passport_issued_on",
        lambda: v.passport_issue_date(
            v.parse_date(
                form.passport_issued_on, what="дату выдачи паспорта", field="passport_issued_on"
            ),
            values.get("birth_date"),
            today=today,
        ),
    )
    run(
        "passport_issued_by",
        lambda: v.required_text(
            form.passport_issued_by,
            what="кем выдан паспорт",
            field="passport_issued_by",
            max_length=250,
        ),
    )
    run("passport_division_code", lambda: v.division_code(form.passport_division_code))
    run(
        "registration_address",
        lambda: v.required_text(
            form.registration_address,
            what="адрес регистрации",
            field="registration_address",
            max_length=300,
        ),
    )
    run("snils", lambda: _optional(v.snils, form.snils))
    run("phone", lambda: _optional(v.phone, form.phone))
    run("email", lambda: _optional(v.email, form.email))
    if errors:
        return None, errors
    series, number = values.pop("passport")
    return Person(passport_series=series, passport_number=number, **values), {}


def validate_person(form: PersonForm, *, today: dt.date | None = None) -> Person:
    """The checked person, or the first problem as a ValidationError."""
    person, errors = check_person(form, today=today)
    if person is None:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field)
    return person


# --- duplicates ----------------------------------------------------------------------------


def _by_passport(session: Session, actor: Actor, person: Person) -> Customer | None:
    found = identity.find(
        session, actor, person.passport_series, person.passport_number, purpose="registration"
    )
    return None if found is None else session.get(Customer, found)


#: The passport is on file under another name: never "continue" with it (the printed form
#: would carry one person's name and another's contacts).
PASSPORT_OF_ANOTHER = (
    "Паспорт {passport} уже записан в базе на клиента с другими ФИО. Регистрировать по нему "
    "другого человека нельзя: сверьте серию, номер и ФИО с паспортом. Если клиент сменил "
    "фамилию, найдите его карточку через поиск и замените паспорт там."
)


def same_name(customer: Customer, last: str, first: str, middle: str | None) -> bool:
    """The surname and the name agree (any case, ё = е); the patronymic when both have one."""
    if fold(customer.last_name) != fold(last) or fold(customer.first_name) != fold(first):
        return False
    return not (customer.middle_name and middle) or fold(customer.middle_name) == fold(middle)


def _refuse_other_name(customer: Customer, person: Person) -> None:
    if not same_name(customer, person.last_name, person.first_name, person.middle_name):
        passport = mask_passport(person.passport_series, person.passport_number)
        raise ValidationError(PASSPORT_OF_ANOTHER.format(passport=passport), "passport_number")


def find_duplicates(
    db: Database, actor: Actor, person: Person, *, today: dt.date | None = None
) -> DuplicateCheck:
    """The same passport on file; the same surname + name + birth date with another one; and
    names a letter or two off with the same birth date (possible duplicates).

    A passport on file under another name is refused (ValidationError). All go through the
    audited identity functions (a write: the audit event)."""
    warning = validators.minor_warning(person.birth_date, today=today)
    with db.transaction() as session:
        same = _by_passport(session, actor, person)
        if same is not None:
            _refuse_other_name(same, person)
        prefix = person_search_text(person.last_name, person.first_name, None)
        ids = identity.same_person(session, actor, prefix, person.birth_date)
        # The prefix "иванов иван" also finds "иванов иванович …": same surname and name only.
        others = tuple(
            summarize(session, c, birth_date=person.birth_date)
            for c in session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(
                Customer.id))
            if (same is None or c.id != same.id)
            and person_search_text(c.last_name, c.first_name, None) == prefix
        )  # fmt: skip
        taken = {c.id for c in others} | ({same.id} if same else set())
        similar = tuple(
            summarize(session, c, birth_date=person.birth_date)
            for c in _similar(session, actor, person)
            if c.id not in taken
        )
        return DuplicateCheck(
            same_passport=summarize(session, same) if same else None,
            same_person=others,
            similar=similar,
            warnings=(warning,) if warning else (),
        )


#: Possible duplicates: difflib's ratio of "фамилия имя" at least this (Островской/Островская
#: 0.92; Иванов/Иванова 0.96; Петров/Сидоров 0.5). PostgreSQL preselects by pg_trgm.
SIMILAR_RATIO = 0.85


def _similar(session: Session, actor: Actor, person: Person) -> list[Customer]:
    typed = person_search_text(person.last_name, person.first_name, None)
    full = person_search_text(person.last_name, person.first_name, person.middle_name)
    ids = identity.similar_person(session, actor, full, person.birth_date)
    if not ids:
        return []
    found = session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id))
    return [
        c
        for c in found
        if typed != person_search_text(c.last_name, c.first_name, None)
        and SequenceMatcher(
            None, typed, person_search_text(c.last_name, c.first_name, None)
        ).ratio()
        >= SIMILAR_RATIO
    ]


# --- saving --------------------------------------------------------------------------------


def register(db: Database, actor: Actor, request: RegistrationRequest) -> RegistrationResult:
    """Save the customer, consents, bindings and bill delivery in one transaction.

    A passport already on file returns that customer with ``duplicate`` set and saves nothing.
    """
    if not request.consents.personal_data:
        raise ValidationError(
            "Без согласия на обработку персональных данных клиента зарегистрировать нельзя.",
            "pd_consent",
        )
    if request.bill_delivery not in frozenset(BillDelivery):
        raise ValidationError("Выберите способ доставки квитанций.", "bill_delivery")
    if request.bill_delivery == BillDelivery.EMAIL and not request.person.email:
        raise ValidationError(
            "Для доставки квитанций по электронной почте укажите адрес e-mail.", "email"
        )
    try:
        with db.transaction() as session:
            return _register(session, actor, request)
    except ProofMismatch as err:
        record_attempt(db, actor, err.account_id, err.proof, passed=False)
        raise
    except exc.IntegrityError:
        # Another desk saved the same passport a moment ago: show that customer instead.
        existing = _duplicate(db, actor, request.person)
        if existing is None:
            raise
        return RegistrationResult(customer=existing, created=False, duplicate=True)


def _duplicate(db: Database, actor: Actor, person: Person) -> CustomerSummary | None:
    with db.transaction() as session:
        found = _by_passport(session, actor, person)
        return summarize(session, found) if found else None


def _register(session: Session, actor: Actor, request: RegistrationRequest) -> RegistrationResult:
    person = request.person
    now = dt.datetime.now(dt.UTC)
    if request.existing_customer_id is None:
        # A passport on file fails on the unique hash: ``register`` shows that customer.
        customer = _create(session, actor, person, request, now)
        created = True
    else:
        customer = _continue_existing(session, actor, request, now)
        created = False
    bound, kept, refusals = [], [], []
    for binding in request.bindings:
        account = bind_in_session(session, actor, customer, binding)
        if may_manage_account(session, account.id, customer.id):
            refusal = _set_delivery(
                session, actor, account, request.bill_delivery, person.email, customer.id
            )
            if refusal is not None:
                refusals.append(refusal)
        else:
            kept.append(account.number)
        bound.append(account.number)
    session.flush()
    return RegistrationResult(
        customer=summarize(session, customer),
        created=created,
        bound=tuple(bound),
        delivery_kept=tuple(kept),
        paper_refusals=tuple(refusals),
    )


def _create(
    session: Session, actor: Actor, person: Person, request: RegistrationRequest, now: dt.datetime
) -> Customer:
    customer = Customer(
        **person.person_values(),
        phone=person.phone,
        email=person.email,
        pd_consent_at=now,
        pd_consent_staff_id=actor.staff_id,
        mailing_consent=request.consents.mailing,
        search_text=person_search_text(person.last_name, person.first_name, person.middle_name),
    )
    session.add(customer)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CUSTOMER_CREATE,
        "customer",
        customer.id,
        after={
            **audit.snapshot(customer, *EDITABLE_FIELDS),
            "passport": mask_passport(person.passport_series, person.passport_number),
            "pd_consent_at": now,
            "pd_consent_staff_id": actor.staff_id,
            **({"minor": True} if validators.minor_warning(person.birth_date) else {}),
        },
    )
    # The unique passport hash fires here (IntegrityError) when the passport is on file.
    identity.set_identity(session, actor, customer.id, **person.identity_values())
    return customer


def _continue_existing(
    session: Session,
    actor: Actor,
    request: RegistrationRequest,
    now: dt.datetime,
) -> Customer:
    person = request.person
    customer = session.get(Customer, request.existing_customer_id)
    if customer is None:
        raise NotFoundError("Клиент, с которым продолжали регистрацию, не найден.")
    if request.existing_version is not None and customer.version != request.existing_version:
        raise ConflictError(
            "Данные клиента изменил другой сотрудник, пока шла регистрация. Введённое "
            "сохранено на экране: вернитесь к поиску дубликатов и сохраните ещё раз."
        )
    changes: dict[str, Any] = {
        "phone": person.phone or customer.phone,
        "email": person.email or customer.email,
        "mailing_consent": request.consents.mailing,
    }
    if request.replace_passport:
        set_passport(session, actor, customer.id, person.identity_values())
        changes.update(person.person_values())
    elif not identity.matches(
        session, actor, customer.id, person.passport_series, person.passport_number
    ):
        raise ConflictError("Паспорт клиента на файле не совпадает с введённым.")
    else:
        _refuse_other_name(customer, person)
    if person.snils and not request.replace_passport:
        identity.set_identity(session, actor, customer.id, snils=person.snils)
    apply_changes(session, actor, customer, changes)
    if customer.pd_consent_at is None:
        customer.pd_consent_at = now
        customer.pd_consent_staff_id = actor.staff_id
        audit.record(
            session,
            actor,
            AuditAction.CUSTOMER_PD_CONSENT,
            "customer",
            customer.id,
            after={"pd_consent_at": now, "pd_consent_staff_id": actor.staff_id},
        )
    return customer


def set_passport(
    session: Session, actor: Actor, customer_id: int, values: dict[str, Any]
) -> identity.Outcome:
    """Put a new passport (and what else ``values`` sets) on the customer; the old passport is
    kept in ``passport_records`` and the change recorded, by ``identity.set_identity``."""
    try:
        with session.begin_nested():  # a refused passport leaves the rest of the work intact
            outcome = identity.set_identity(session, actor, customer_id, **values)
    except exc.IntegrityError:
        raise ValidationError(
            "Этот паспорт уже записан на другого клиента: проверьте серию и номер.",
            "passport_number",
        ) from None
    if outcome == "early":
        raise ValidationError(
            "Дата выдачи раньше 14-летия клиента: паспорт выдают с 14 лет. Проверьте обе даты.",
            "passport_issued_on",
        )
    return outcome


def apply_changes(
    session: Session, actor: Actor, customer: Customer, values: dict[str, Any]
) -> dict[str, Any]:
    """Set the changed fields, keep the search text in step, audit before/after of the changes."""
    before = {k: getattr(customer, k) for k, v in values.items() if getattr(customer, k) != v}
    if not before:
        return {}
    after = {k: values[k] for k in before}
    for name, value in after.items():
        setattr(customer, name, value)
    customer.search_text = person_search_text(
        customer.last_name, customer.first_name, customer.middle_name
    )
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CUSTOMER_UPDATE,
        "customer",
        customer.id,
        before=before,
        after=after,
    )
    return after


def may_manage_account(session: Session, account_id: int, customer_id: int) -> bool:
    """Only the owner or the account's holder (the primary person) decides how the account's
    bills are delivered: a resident or a tenant registering must not switch them."""
    holder = holder_of(session, account_id)
    if holder is not None and holder.id == customer_id:
        return True
    relation = session.scalar(
        select(AccountHolder.relation).where(
            AccountHolder.account_id == account_id,
            AccountHolder.customer_id == customer_id,
            AccountHolder.unbound_at.is_(None),
        )
    )
    return relation is HolderRelation.OWNER


def _set_delivery(
    session: Session,
    actor: Actor,
    account: Account,
    delivery: str,
    email: str | None,
    customer_id: int,
) -> int | None:
    """Apply the delivery; a switch to e-mail (or to another address) makes the customer's
    paper-refusal application, whose id is returned for printing."""
    target = BillDelivery(delivery)
    target_email = email if target is BillDelivery.EMAIL else None
    if account.bill_delivery is target and account.delivery_email == target_email:
        return None
    before = audit.snapshot(account, "bill_delivery", "delivery_email")
    account.bill_delivery = target
    account.delivery_email = target_email
    audit.record(
        session,
        actor,
        AuditAction.ACCOUNT_BILL_DELIVERY,
        "account",
        account.id,
        account_id=account.id,
        before=before,
        after=audit.snapshot(account, "bill_delivery", "delivery_email"),
    )
    if target is not BillDelivery.EMAIL:
        return None
    session.flush()  # the database checks the application against the switched account
    return record_paper_refusal(session, actor, account, customer_id).id
