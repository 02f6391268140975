"""Issue #19, registration and binding: a passport of another name, one letter off, passport
validity by age, minors, limited control-question guesses, who may change the delivery."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from console.models import Account, AuditEvent, Customer
from console.models.enums import BillDelivery, StaffRole
from console.services.core import validators
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.registration import binding
from console.services.registration import customer as reg
from console.services.registration.forms import BindingRequest, Consents, RegistrationRequest
from console.services.staff.actor import Actor
from tests.support.factories import AccountIds, make_account, make_staff, person_form

TODAY = dt.date.today()


@pytest.fixture
def clerk(db: Database) -> Actor:
    return make_staff(db, "clerk-checks", StaffRole.CLERK)


@pytest.fixture
def account(db: Database) -> AccountIds:
    return make_account(db)  # holder Иванов Пётр Сергеевич, passport 7101, born 17.05.1980


def _register(db: Database, actor: Actor, **form: str) -> Any:
    person = reg.validate_person(person_form(**form))
    return reg.register(db, actor, RegistrationRequest(person, Consents(True)))


def _events(db: Database, action: str) -> int:
    with db.read() as session:
        return len(session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def _holder_passport(db: Database, account: AccountIds) -> str:
    from tests.support.factories import stored_identity

    return stored_identity(db, account.customer_id).number or ""


# --- (a) a passport on file under another name ---------------------------------------------


def test_passport_of_a_customer_with_another_name_is_refused(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    number = _holder_passport(db, account)
    sidorov = reg.validate_person(
        person_form(last_name="Сидоров", first_name="Андрей", middle_name="Петрович",
                    passport_series="7101", passport_number=number)
    )  # fmt: skip
    with pytest.raises(ValidationError, match="другими ФИО") as err:
        reg.find_duplicates(db, clerk, sidorov)
    assert number not in str(err.value)
    # Saving "with this customer" anyway changes nothing and prints nothing.
    with db.read() as session:
        before = session.get(Customer, account.customer_id)
        assert before is not None
        version, phone = before.version, before.phone
    request = RegistrationRequest(sidorov, Consents(True), existing_customer_id=account.customer_id)
    with pytest.raises(ValidationError, match="другими ФИО"):
        reg.register(db, clerk, request)
    with db.read() as session:
        after = session.get(Customer, account.customer_id)
        assert after is not None
        assert (after.version, after.phone, after.last_name) == (version, phone, "Иванов")


def test_the_same_person_with_their_passport_still_continues(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    number = _holder_passport(db, account)
    ivanov = reg.validate_person(
        person_form(last_name="иванов", first_name="Пётр", middle_name="Сергеевич",
                    birth_date="17.05.1980", passport_series="7101", passport_number=number,
                    passport_issued_on="20.06.2025")
    )  # fmt: skip
    check = reg.find_duplicates(db, clerk, ivanov)
    assert check.same_passport is not None and check.same_passport.id == account.customer_id


# --- (b) one letter off, the same birth date -------------------------------------------------


def test_one_letter_off_with_the_same_birth_date_is_a_possible_duplicate(
    db: Database, clerk: Actor
) -> None:
    on_file = _register(db, clerk, last_name="Островская").customer
    typed = reg.validate_person(
        person_form(last_name="Островской", passport_series="7110", passport_number="111222")
    )
    check = reg.find_duplicates(db, clerk, typed)
    assert [c.id for c in check.similar] == [on_file.id]
    assert check.same_passport is None and not check.same_person
    # Another birth date, or a name far off: no warning.
    other_day = reg.validate_person(
        person_form(last_name="Островской", birth_date="04.04.1985",
                    passport_series="7110", passport_number="111222")
    )  # fmt: skip
    assert not reg.find_duplicates(db, clerk, other_day).similar
    far = reg.validate_person(
        person_form(last_name="Петрова", passport_series="7110", passport_number="111222")
    )
    assert not reg.find_duplicates(db, clerk, far).similar
    # The exact name stays "the same person", not "similar".
    same = reg.validate_person(
        person_form(last_name="Островская", passport_series="7110", passport_number="111222")
    )
    exact = reg.find_duplicates(db, clerk, same)
    assert [c.id for c in exact.same_person] == [on_file.id] and not exact.similar


# --- (c) passport validity by age, (d) minors -------------------------------------------------


@pytest.mark.parametrize(
    ("born", "issued", "today", "valid"),
    [
        (dt.date(2004, 1, 10), dt.date(2018, 2, 1), dt.date(2024, 4, 9), True),  # 90 days
        (dt.date(2004, 1, 10), dt.date(2018, 2, 1), dt.date(2024, 4, 10), False),  # not at 20
        (dt.date(2004, 1, 10), dt.date(2024, 2, 1), dt.date(2024, 6, 1), True),  # replaced
        (dt.date(1980, 5, 17), dt.date(2001, 6, 1), dt.date(2025, 8, 15), True),
        (dt.date(1980, 5, 17), dt.date(2001, 6, 1), dt.date(2025, 8, 16), False),  # not at 45
        (dt.date(1980, 5, 17), dt.date(2025, 6, 1), dt.date(2026, 1, 1), True),
    ],
)
def test_a_passport_not_replaced_at_20_or_45_is_refused(
    born: dt.date, issued: dt.date, today: dt.date, valid: bool
) -> None:
    if valid:
        assert validators.passport_issue_date(issued, born, today=today) == issued
    else:
        with pytest.raises(ValidationError, match="не заменён в срок") as err:
            validators.passport_issue_date(issued, born, today=today)
        assert err.value.field == "passport_issued_on"


def test_the_form_check_refuses_an_expired_passport() -> None:
    _, errors = reg.check_person(
        person_form(birth_date="03.04.1985", passport_issued_on="12.05.2005"),
        today=dt.date(2030, 7, 3),
    )
    assert "ПП РФ № 828" in errors["passport_issued_on"]


def _years_ago(years: int, days: int = 0) -> str:
    day = validators.anniversary(TODAY, -years) - dt.timedelta(days=days)
    return f"{day:%d.%m.%Y}"


def test_a_minor_is_flagged_and_under_14_refused(db: Database, clerk: Actor) -> None:
    issued = f"{TODAY - dt.timedelta(days=30):%d.%m.%Y}"
    teen = reg.validate_person(
        person_form(birth_date=_years_ago(14, 40), passport_issued_on=issued)
    )
    check = reg.find_duplicates(db, clerk, teen)
    assert check.warnings and "несовершеннолетний" in check.warnings[0]
    assert "14 лет" in check.warnings[0]
    adult = reg.validate_person(person_form())
    assert not reg.find_duplicates(db, clerk, adult).warnings
    _, errors = reg.check_person(person_form(birth_date=_years_ago(13, 300)))
    assert "нет 14 лет" in errors["birth_date"]
    # The audit of the registration says it was a minor.
    person = reg.validate_person(
        person_form(birth_date=_years_ago(14, 40), passport_issued_on=issued)
    )
    reg.register(db, clerk, RegistrationRequest(person, Consents(True)))
    with db.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "customer.create"))
        assert event is not None and event.after is not None and event.after["minor"] is True


# --- (e) control-question guesses ------------------------------------------------------------


def test_control_question_guesses_are_recorded_and_limited(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    names = ("Смирнова", "Анна", "Викторовна")
    wrong = BindingRequest(account.account_id, "owner", "meter_serial", "SN-НЕ-ТОТ")
    for _ in range(binding.MAX_PROOF_FAILURES):
        with pytest.raises(ValidationError, match="заводского номера"):
            binding.preview_binding(db, clerk, wrong, names)
    assert _events(db, "account_holder.proof_failed") == binding.MAX_PROOF_FAILURES
    # The right serial now: the questions of this account are closed for the day.
    right = BindingRequest(account.account_id, "owner", "meter_serial", account.serial)
    with pytest.raises(ValidationError, match="закрыты"):
        binding.preview_binding(db, clerk, right, names)
    with pytest.raises(ValidationError, match="закрыты"):
        reg.register(
            db, clerk, RegistrationRequest(reg.validate_person(person_form()), Consents(True),
                                           bindings=(right,))
        )  # fmt: skip
    # A document the clerk has seen is still accepted; another account is not affected.
    document = BindingRequest(account.account_id, "owner", "document", "Выписка ЕГРН № 72/001")
    assert binding.preview_binding(db, clerk, document, names).number == account.number
    other = make_account(db)
    fine = BindingRequest(other.account_id, "owner", "meter_serial", other.serial)
    assert binding.preview_binding(db, clerk, fine, names).number == other.number
    assert _events(db, "account_holder.proof_passed") == 1


def test_a_wrong_answer_at_saving_is_recorded_too(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    wrong = BindingRequest(account.account_id, "owner", "meter_serial", "SN-НЕ-ТОТ")
    request = RegistrationRequest(
        reg.validate_person(person_form()), Consents(True), bindings=(wrong,)
    )
    with pytest.raises(ValidationError):
        reg.register(db, clerk, request)
    assert _events(db, "account_holder.proof_failed") == 1


# --- (f) who may change the account's delivery -----------------------------------------------


def test_a_resident_does_not_switch_the_owners_bills_to_email(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    resident = BindingRequest(account.account_id, "resident", "meter_serial", account.serial)
    person = reg.validate_person(person_form())
    result = reg.register(
        db, clerk,
        RegistrationRequest(person, Consents(True), bindings=(resident,), bill_delivery="email"),
    )  # fmt: skip
    assert result.bound == (account.number,) and result.delivery_kept == (account.number,)
    with db.read() as session:
        row = session.get(Account, account.account_id)
        assert row is not None
        assert row.bill_delivery is BillDelivery.PAPER and row.delivery_email is None
    assert _events(db, "account.bill_delivery") == 0


def test_the_owner_of_a_second_account_sets_its_delivery(db: Database, clerk: Actor) -> None:
    other = make_account(db)
    owner = BindingRequest(other.account_id, "owner", "meter_serial", other.serial)
    person = reg.validate_person(person_form())
    result = reg.register(
        db, clerk,
        RegistrationRequest(person, Consents(True), bindings=(owner,), bill_delivery="email"),
    )  # fmt: skip
    assert result.delivery_kept == ()
    with db.read() as session:
        row = session.get(Account, other.account_id)
        assert row is not None and row.bill_delivery is BillDelivery.EMAIL
