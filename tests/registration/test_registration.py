"""Registration services on SQLite and PostgreSQL: customers, duplicates, passports, bindings."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select

from console.models import Account as AccountRow
from console.models import AccountHolder, AuditEvent, Customer, PassportRecord
from console.models.enums import StaffRole
from console.services.account.card import load_card
from console.services.appeals import intake
from console.services.core.database import Database
from console.services.core.errors import ConflictError, ValidationError
from console.services.core.formatting import add_months, first_of_month
from console.services.payments.counter import holder_and_address
from console.services.registration import binding, edit
from console.services.registration import customer as reg
from console.services.registration.forms import BindingRequest, Consents, RegistrationRequest
from console.services.staff.actor import Actor
from tests.support.factories import (
    AccountIds,
    add_statement,
    make_account,
    make_staff,
    person_form,
    stored_identity,
)


@pytest.fixture
def clerk(db: Database) -> Actor:
    return make_staff(db, "clerk1", StaffRole.CLERK)


@pytest.fixture
def account(db: Database) -> AccountIds:
    ids = make_account(db)
    last_month = add_months(first_of_month(dt.date.today()), -1)
    add_statement(db, ids.account_id, last_month, Decimal("1523.40"), Decimal("643.20"))
    add_statement(db, ids.account_id, add_months(last_month, -1), Decimal("-2.55"), Decimal("5"))
    add_statement(db, ids.account_id, add_months(last_month, -9), Decimal("999.99"), Decimal("5"))
    return ids


def request(**changes: Any) -> RegistrationRequest:
    person = reg.validate_person(person_form(**changes.pop("form", {})))
    values: dict[str, Any] = {"person": person, "consents": Consents(True, mailing=True)}
    values.update(changes)
    return RegistrationRequest(**values)


def actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_register_binds_with_bill_total_and_sets_delivery(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    bind = BindingRequest(account.account_id, "owner", "bill_total", "1 523,40")
    result = reg.register(db, clerk, request(bindings=(bind,), bill_delivery="email"))
    assert result.created and not result.duplicate
    assert result.bound == (account.number,)
    assert result.customer.full_name == "Смирнова Анна Викторовна"
    assert result.customer.passport_masked == "71 ** ******"
    with db.read() as session:
        customer = session.get(Customer, result.customer.id)
        assert customer is not None
        assert customer.phone == "+79123456789"
        assert customer.pd_consent_staff_id == clerk.staff_id and customer.pd_consent_at
        assert customer.mailing_consent is True
        assert customer.search_text == "смирнова анна викторовна"
        acc = session.get(AccountRow, account.account_id)
        assert acc is not None
        assert acc.bill_delivery.value == "email" and acc.delivery_email == "anna@example.ru"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "customer.create"))
        assert event is not None and event.staff_id == clerk.staff_id
        assert event.after is not None and event.after["passport"] == "71 ** ******"
        assert "654321" not in str(event.after)  # the audit trail does not copy the passport
    stored = stored_identity(db, result.customer.id)
    assert (stored.series, stored.number, stored.snils) == ("7109", "654321", "11223344595")
    assert stored.birth_date == dt.date(1985, 4, 3)
    assert actions(db) == [
        "customer.create", "customer.set_identity", "account_holder.bind",
        "account.bill_delivery", "account.paper_refusal",
    ]  # fmt: skip
    people = binding.account_people(db, account.account_id)
    assert [p.full_name for p in people] == ["Иванов Пётр Сергеевич", "Смирнова Анна Викторовна"]
    assert people[1].relation_label == "Собственник"
    assert people[1].proof_label.startswith("Сумма квитанции")


@pytest.mark.parametrize("answer", ["2,55", "-2.55", "1523.4"])
def test_bill_total_accepts_any_recent_bill(
    db: Database, clerk: Actor, account: AccountIds, answer: str
) -> None:
    bind = BindingRequest(account.account_id, "tenant", "bill_total", answer)
    assert reg.register(db, clerk, request(bindings=(bind,))).bound == (account.number,)


def parse_ok(answer: str) -> bool:
    try:
        binding.parse_amount(answer)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("answer", ["1523,41", "999,99", "abc", ""])
def test_wrong_bill_total_refused_and_nothing_saved(
    db: Database, clerk: Actor, account: AccountIds, answer: str
) -> None:
    bind = BindingRequest(account.account_id, "owner", "bill_total", answer)
    with pytest.raises(ValidationError) as err:
        reg.register(db, clerk, request(bindings=(bind,)))
    assert err.value.field == "answer"
    assert count(db, Customer) == 1  # only the account's own holder
    # A wrong amount stays on record (a guess); a malformed one is a typing error, not a guess.
    guess = parse_ok(answer)
    assert actions(db) == (["account_holder.proof_failed"] if guess else [])


def test_meter_serial_holder_name_and_document_proofs(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    other = make_account(db)
    third = make_account(db)
    # The holder of the account registers properly now, with his passport.
    form = {"last_name": "иванов", "first_name": "Пётр", "middle_name": "Сергеевич"}
    result = reg.register(
        db,
        clerk,
        request(
            form=form,
            bindings=(
                BindingRequest(account.account_id, "owner", "holder_name"),
                BindingRequest(other.account_id, "resident", "meter_serial", other.serial.lower()),
                BindingRequest(third.account_id, "other", "document", "Договор найма № 5"),
            ),
        ),
    )
    assert result.bound == (account.number, other.number, third.number)
    with db.read() as session:
        evidence = [
            e.after
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "account_holder.bind")
            )
        ]
    assert evidence[1] is not None and evidence[1]["meter_serial"] == other.serial.lower()
    assert evidence[2] is not None and evidence[2]["document"] == "Договор найма № 5"


@pytest.mark.parametrize(
    "proof,answer,field",
    [("holder_name", "", "proof"), ("meter_serial", "SN999", "answer"), ("document", "", "answer")],
)
def test_failed_proofs(
    db: Database, clerk: Actor, account: AccountIds, proof: str, answer: str, field: str
) -> None:
    bind = BindingRequest(account.account_id, "owner", proof, answer)
    with pytest.raises(ValidationError) as err:
        reg.register(db, clerk, request(bindings=(bind,)))
    assert err.value.field == field


def test_duplicate_passport_returns_existing_customer(db: Database, clerk: Actor) -> None:
    first = reg.register(db, clerk, request())
    again = reg.register(
        db, clerk, request(form={"passport_series": "7109", "last_name": "Петрова"})
    )
    assert again.duplicate and not again.created
    assert again.customer.id == first.customer.id
    assert count(db, Customer) == 1
    check = reg.find_duplicates(db, clerk, reg.validate_person(person_form()))
    assert check.same_passport is not None and check.same_passport.id == first.customer.id


def test_same_name_and_birth_date_with_another_passport(db: Database, clerk: Actor) -> None:
    first = reg.register(db, clerk, request())
    person = reg.validate_person(person_form(passport_number="111222", last_name="СМИРНОВА"))
    check = reg.find_duplicates(db, clerk, person)
    assert check.same_passport is None
    assert [c.id for c in check.same_person] == [first.customer.id]
    other_birthday = reg.validate_person(
        person_form(passport_number="111222", birth_date="04.04.1985")
    )
    assert reg.find_duplicates(db, clerk, other_birthday).same_person == ()


def test_passport_replaced_during_registration_keeps_history(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    first = reg.register(db, clerk, request())
    new = request(
        form={
            "passport_series": "7120",
            "passport_number": "000111",
            "passport_issued_on": "10.04.2025",
        },
        existing_customer_id=first.customer.id,
        existing_version=first.customer.version,
        replace_passport=True,
        bindings=(BindingRequest(account.account_id, "owner", "bill_total", "1523,40"),),
    )
    result = reg.register(db, clerk, new)
    assert not result.created and result.customer.id == first.customer.id
    assert result.customer.passport_masked == "71 ** ******"
    assert result.bound == (account.number,)
    with db.read() as session:
        records = session.scalars(select(PassportRecord)).all()
        assert [(r.passport_masked, r.replaced_by_staff_id) for r in records] == [
            ("71 ** ******", clerk.staff_id)
        ]
        if db.is_postgres:  # sealed; SQLite keeps plain JSON (no boundary there)
            assert b"654321" not in bytes(records[0].sealed)
    assert stored_identity(db, first.customer.id).number == "000111"
    assert "customer.replace_passport" in actions(db)
    # Stale: another desk changed the customer meanwhile.
    with pytest.raises(ConflictError):
        reg.register(db, clerk, new)


def test_replace_passport_later_and_reveal(db: Database, clerk: Actor) -> None:
    first = reg.register(db, clerk, request())
    other = reg.register(db, clerk, request(form={"passport_number": "777777"}))
    change = edit.PassportEdit(
        "7120", "000111", "10.04.2025", "УМВД России по Тюменской обл.", "720001"
    )
    details = edit.replace_passport(db, clerk, first.customer.id, first.customer.version, change)
    assert details.previous_passports == 1
    assert stored_identity(db, first.customer.id).division_code == "720-001"
    assert edit.reveal_passport(db, clerk, first.customer.id).passport_text == "71 20 000111"
    assert actions(db)[-2:] == ["customer.replace_passport", "customer.reveal_passport"]
    # Another customer's passport cannot be taken over.
    taken = edit.PassportEdit("7109", "777777", "10.04.2025", "УМВД", "720-001")
    with pytest.raises(ValidationError, match="другого клиента"):
        edit.replace_passport(db, clerk, first.customer.id, details.version, taken)
    assert other.created
    # An issue date before the 14th birthday is refused.
    early = edit.PassportEdit("7121", "000222", "01.01.1998", "УМВД", "720-001")
    with pytest.raises(ValidationError, match="14"):
        edit.replace_passport(db, clerk, first.customer.id, details.version, early)


def test_edit_customer_records_before_and_after(db: Database, clerk: Actor) -> None:
    first = reg.register(db, clerk, request())
    change = edit.CustomerEdit(
        last_name="Кузнецова",
        first_name="Анна",
        middle_name="Викторовна",
        registration_address="г. Тюмень, ул. Ленина, д. 12, кв. 34",
        snils="112-233-445 95",
        phone="+7 912 000 11 22",
        email="anna@example.ru",
        mailing_consent=True,
    )
    details = edit.update_customer(db, clerk, first.customer.id, first.customer.version, change)
    assert details.full_name == "Кузнецова Анна Викторовна" and details.phone == "+79120001122"
    with db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.update")
        ).one()
        assert event.before == {"last_name": "Смирнова", "phone": "+79123456789"}
        assert event.after == {"last_name": "Кузнецова", "phone": "+79120001122"}
        customer = session.get(Customer, first.customer.id)
        assert customer is not None and customer.search_text == "кузнецова анна викторовна"
    with pytest.raises(ConflictError):  # the version the dialog opened with is stale now
        edit.update_customer(db, clerk, first.customer.id, first.customer.version, change)
    with pytest.raises(ValidationError) as err:
        edit.update_customer(
            db, clerk, first.customer.id, details.version, edit.CustomerEdit("Кузнецова", "Anna")
        )
    assert err.value.field == "first_name"


def test_unbind_with_reason(db: Database, clerk: Actor, account: AccountIds) -> None:
    bind = BindingRequest(account.account_id, "resident", "bill_total", "1523,40")
    result = reg.register(db, clerk, request(bindings=(bind,)))
    row = next(
        p
        for p in binding.account_people(db, account.account_id)
        if p.customer_id == result.customer.id
    )
    with pytest.raises(ValidationError):
        binding.unbind(db, clerk, row.holder_id, row.version, " ")
    binding.unbind(db, clerk, row.holder_id, row.version, "Выехал из квартиры")
    assert result.customer.id not in [
        p.customer_id for p in binding.account_people(db, account.account_id)
    ]
    with db.read() as session:
        holder = session.get(AccountHolder, row.holder_id)
        assert holder is not None and holder.unbound_reason == "Выехал из квартиры"
        assert holder.unbound_by_staff_id == clerk.staff_id
    assert actions(db)[-1] == "account_holder.unbind"
    with pytest.raises(ConflictError):
        binding.unbind(db, clerk, row.holder_id, row.version, "Ещё раз")
    # Bound again later with another proof.
    again = binding.bind_account(
        db,
        clerk,
        result.customer.id,
        BindingRequest(account.account_id, "owner", "document", "Выписка ЕГРН"),
    )
    assert again.relation_label == "Собственник"


def test_once_the_holder_is_unbound_no_resident_is_named_the_holder(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    """One account-holder query (account.holders): the card, the binding brief, the payment
    counter's receipt and the appeal form agree on who holds the account."""
    bind = BindingRequest(account.account_id, "resident", "bill_total", "1523,40")
    resident = reg.register(db, clerk, request(bindings=(bind,))).customer
    people = binding.account_people(db, account.account_id)
    assert [(p.customer_id, p.is_primary) for p in people] == [
        (account.customer_id, True), (resident.id, False),
    ]  # fmt: skip
    holder = people[0]
    binding.unbind(db, clerk, holder.holder_id, holder.version, "Продал квартиру")
    assert load_card(db, account.account_id).holder is None
    assert binding.account_brief(db, account.account_id).holder == ""
    with db.read() as session:
        acc = session.get(AccountRow, account.account_id)
        assert acc is not None
        assert holder_and_address(session, acc)[0] == ""
    prefill = intake.applicant_for_account(db, account.account_id)
    assert (prefill.customer_id, prefill.name) == (None, "")
    # The next binding makes a holder again (bind_in_session asks the same query).
    owner = binding.bind_account(
        db, clerk, holder.customer_id,
        BindingRequest(account.account_id, "owner", "document", "Выписка ЕГРН"),
    )  # fmt: skip
    assert owner.is_primary
    assert binding.account_brief(db, account.account_id).holder == "Иванов Пётр Сергеевич"


def test_consent_required_and_email_needed_for_email_delivery(db: Database, clerk: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        reg.register(db, clerk, request(consents=Consents(False)))
    assert err.value.field == "pd_consent"
    with pytest.raises(ValidationError) as err:
        reg.register(db, clerk, request(form={"email": ""}, bill_delivery="email"))
    assert err.value.field == "email"


def test_account_changed_meanwhile_is_a_conflict(
    db: Database, clerk: Actor, account: AccountIds
) -> None:
    seen = binding.account_brief(db, account.account_id)
    assert seen.holder == "Иванов Пётр Сергеевич" and "Ленина" in seen.address
    with db.transaction() as session:
        acc = session.get(AccountRow, account.account_id)
        assert acc is not None
        acc.delivery_email = "x@example.ru"  # another desk edits the account
    bind = BindingRequest(account.account_id, "owner", "bill_total", "1523,40", seen.version)
    with pytest.raises(ConflictError, match="изменён другим сотрудником"):
        reg.register(db, clerk, request(bindings=(bind,)))
    assert count(db, Customer) == 1


def test_check_person_reports_every_field() -> None:
    person, errors = reg.check_person(
        person_form(
            passport_series="71O9", birth_date="03.04.2020", snils="11223344596", email="a@"
        )
    )
    assert person is None
    assert set(errors) == {"passport_series", "birth_date", "snils", "email"}


@pytest.mark.postgres
def test_same_passport_by_two_clerks_at_once_gives_one_customer(pg_db: Database) -> None:
    clerks = [make_staff(pg_db, f"desk{i}", StaffRole.CLERK) for i in range(2)]
    # Both desks pass the Python check before either inserts: the database must refuse one.
    barrier = threading.Barrier(2, timeout=20)

    def wait_before_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO customers"):
            barrier.wait()

    event.listen(pg_db.engine, "before_cursor_execute", wait_before_insert)
    results: list[Any] = [None, None]

    def desk(i: int) -> None:
        try:
            results[i] = reg.register(pg_db, clerks[i], request())
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            results[i] = err

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    event.remove(pg_db.engine, "before_cursor_execute", wait_before_insert)
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    duplicate = next(r for r in results if r.duplicate)
    created = next(r for r in results if r.created)
    assert duplicate.customer.id == created.customer.id
    assert count(pg_db, Customer) == 1
    # The second desk's save failed on the unique hash; its look-up of the owner is recorded.
    assert actions(pg_db) == [
        "customer.create",
        "customer.set_identity",
        "customer.search_passport",
    ]
