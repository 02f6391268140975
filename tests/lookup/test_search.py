"""The one search box finds accounts by every kind of input, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.models import Account, AuditEvent, Customer, Meter
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.lookup.search import search
from tests.support.factories import make_account, make_staff, stored_identity


@pytest.fixture
def town(db: Database) -> dict[str, object]:
    """A few accounts a clerk might look for."""
    ivanov = make_account(
        db, number="4500012345", settlement="Курган", street="Ленина", house="12", flat="34",
        last_name="Иванов", first_name="Пётр", middle_name="Сергеевич", phone="+79123456789",
    )  # fmt: skip
    return {
        "ivanov": ivanov,
        "ivanova": make_account(
            db,
            number="4500067890",
            settlement="Курган",
            street="Ленина",
            house="12",
            flat="345",
            last_name="Иванова",
            first_name="Анна",
            middle_name="Петровна",
            phone="+79220001122",
        ),
        "pryamaya": make_account(
            db,
            number="110022334455",
            settlement="Оренбург",
            street="Прямая",
            house="1",
            flat="11",
            last_name="Сидоров",
            first_name="Иван",
            middle_name=None,
            phone=None,
        ),
        "elkin": make_account(
            db,
            number="7200000777",
            settlement="Тюмень",
            street="Ёлочная",
            house="5",
            flat=None,
            last_name="Ёлкин",
            first_name="Семён",
            middle_name="Ильич",
            phone=None,
        ),
    }


def numbers(result: object) -> list[str]:
    return [row.number for row in result.rows]  # type: ignore[attr-defined]


def test_full_account_number_is_an_exact_hit(db: Database, town: dict) -> None:
    result = search(db, "4500012345")
    assert numbers(result) == ["4500012345"]
    assert result.kind == "account_exact"
    assert result.unique_exact is not None
    row = result.rows[0]
    assert row.holder == "Иванов Пётр Сергеевич"
    assert row.address == "г. Курган, ул. Ленина, д. 12, кв. 34"
    assert row.supplier == "АО «ЭК «Восток»"
    assert row.status == "active"


def test_account_number_typed_with_spaces(db: Database, town: dict) -> None:
    assert numbers(search(db, "  4500 012 345 ")) == ["4500012345"]


def test_fragment_of_five_digits_or_more(db: Database, town: dict) -> None:
    result = search(db, "00012")
    assert result.kind == "account_fragment"
    assert numbers(result) == ["4500012345"]
    assert numbers(search(db, "45000")) == ["4500012345", "4500067890"]  # prefix matches first
    assert set(numbers(search(db, "2233"))) == set()  # four digits: exact only
    assert "5 цифр" in search(db, "2233").message


def test_meter_serial_any_case(db: Database, town: dict) -> None:
    serial = town["pryamaya"].serial
    result = search(db, serial.lower())
    assert result.kind == "serial_exact"
    assert numbers(result) == ["110022334455"]
    assert result.unique_exact is not None


def test_digits_only_serial_is_found_like_an_account(db: Database, town: dict) -> None:
    with db.transaction() as session:
        meter = session.get(Meter, town["elkin"].meter_id)
        meter.serial = "01234567899876"
    result = search(db, "01234567899876")
    assert result.kind == "serial_exact"
    assert numbers(result) == ["7200000777"]


@pytest.mark.parametrize(
    "typed",
    [
        "ленина 12-34",
        "Ленина 12 34",
        "г. Курган ул Ленина д.12 кв.34",
        "г.Курган, ул.Ленина, д.12, кв.34",
        "ЛЕНИНА д 12 кв 34",
        "курган ленина 12/34",
        "ЛЕНИHA 12-34",  # Latin H and A: the keyboard layout slipped
    ],
)
def test_loosely_typed_address(db: Database, town: dict, typed: str) -> None:
    result = search(db, typed)
    assert result.kind == "address"
    # Flat 34 exactly first; flat 345 of the same house is a looser match after it.
    assert numbers(result)[0] == "4500012345"


def test_address_whole_words_before_begun_words(db: Database, town: dict) -> None:
    assert numbers(search(db, "ленина 12 34")) == ["4500012345", "4500067890"]
    assert numbers(search(db, "ленина 12 345")) == ["4500067890"]


@pytest.mark.parametrize("typed", ["прямая д1 кв11", "Прямая д. 1, кв. 11", "ПРЯМАЯ 1-11"])
def test_address_with_glued_abbreviations(db: Database, town: dict, typed: str) -> None:
    assert numbers(search(db, typed)) == ["110022334455"]


def test_yo_is_ye_and_case_does_not_matter(db: Database, town: dict) -> None:
    assert numbers(search(db, "елочная 5")) == ["7200000777"]
    assert numbers(search(db, "ЁЛОЧНАЯ 5")) == ["7200000777"]
    assert numbers(search(db, "елкин")) == ["7200000777"]
    assert numbers(search(db, "Ёлкин С.И.")) == ["7200000777"]


def test_street_alone_finds_its_addresses(db: Database, town: dict) -> None:
    result = search(db, "ленина")
    assert result.kind == "address"
    assert set(numbers(result)) == {"4500012345", "4500067890"}
    assert search(db, "ул. Ленина").kind == "address"


@pytest.mark.parametrize(
    "typed",
    [
        "Иванов",
        "иванов",
        "Иванов П.С.",
        "Иванов П. С.",
        "Иванов Пётр",
        "иванов петр сергеевич",
        "Ивaнoв П. C.",  # Latin a, o and C typed for the Cyrillic ones
    ],
)
def test_surname_with_or_without_initials(db: Database, town: dict, typed: str) -> None:
    result = search(db, typed)
    assert result.kind == "surname"
    assert numbers(result)[0] == "4500012345"


def test_surname_exact_word_before_longer_surnames(db: Database, town: dict) -> None:
    assert numbers(search(db, "иванов")) == ["4500012345", "4500067890"]
    assert numbers(search(db, "иванова")) == ["4500067890"]
    assert numbers(search(db, "Петр Иванов"))[0] == "4500012345"  # another order still finds


@pytest.mark.parametrize(
    "typed", ["+7 912 345-67-89", "8 (912) 345-67-89", "89123456789", "+79123456789", "9123456789"]
)
def test_phone_in_any_format(db: Database, town: dict, typed: str) -> None:
    result = search(db, typed)
    assert numbers(result) == ["4500012345"]
    assert result.rows[0].match == "phone"


def test_email(db: Database, town: dict) -> None:
    with db.transaction() as session:
        session.get(Customer, town["pryamaya"].customer_id).email = "sidorov@example.ru"
    result = search(db, "Sidorov@Example.RU")
    assert result.kind == "email"
    assert numbers(result) == ["110022334455"]


def test_passport_search_is_audited(db: Database, town: dict) -> None:
    actor = make_staff(db, "clerk1", StaffRole.CLERK)
    stored = stored_identity(db, town["ivanov"].customer_id)
    series, number = stored.series or "", stored.number or ""
    result = search(db, f"{series} {number}", actor=actor)
    assert result.kind == "passport"
    assert numbers(result) == ["4500012345"]
    assert numbers(search(db, f"{series[:2]} {series[2:]} {number}", actor=actor)) == ["4500012345"]
    with db.read() as session:
        events = [
            (e.staff_id, e.after)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "customer.search_passport")
            )
        ]
    assert len(events) == 2
    # The number stays out of the trail: the series' region code, nothing more.
    assert events[0] == (
        actor.staff_id,
        {"passport": f"{series[:2]} ** ******", "found": 1, "purpose": "lookup"},
    )
    assert number not in str(events)


def test_best_match_first_and_cap_with_truncated(db: Database) -> None:
    for flat in range(1, 8):
        make_account(db, street="Мира", house="7", flat=str(flat), last_name="Петров")
    result = search(db, "мира 7", limit=5)
    assert result.truncated
    assert len(result.rows) == 5
    assert "уточните запрос" in result.message
    full = search(db, "мира 7")
    assert not full.truncated
    assert len(full.rows) == 7


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("     ", "empty"),
        ("ленина " * 72, "too_long"),
        ("'; drop table accounts; --", "address"),
        ("%_", "no_terms"),
        ("%", "no_terms"),
        ("ленина%", "address"),
        ("_", "no_terms"),
        ("1%", "too_short"),
        ("' OR 1=1 --", "address"),
    ],
)
def test_hostile_or_empty_queries_find_nothing_and_say_so(
    db: Database, town: dict, typed: str, kind: str
) -> None:
    result = search(db, typed)
    assert result.kind == kind
    if typed != "ленина%":
        assert result.rows == ()
        assert result.message
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 4


def test_percent_in_name_is_literal(db: Database, town: dict) -> None:
    # "%" typed inside a word must not act as a wildcard: "ив%ов" finds nobody.
    assert search(db, "ив%ов").rows == ()
    assert search(db, "ив_нов").rows == ()


def test_closed_accounts_after_open_ones(db: Database) -> None:
    from console.models.enums import AccountStatus

    old = make_account(db, street="Садовая", house="3", flat="1", last_name="Орлов")
    new = make_account(db, street="Садовая", house="3", flat="1", last_name="Орлов")
    with db.transaction() as session:
        session.get(Account, old.account_id).status = AccountStatus.CLOSED
    assert numbers(search(db, "садовая 3 1")) == [new.number, old.number]


def test_initials_typed_without_dots(db: Database) -> None:
    make_account(
        db, number="5600000001", street="Садовая", house="3", last_name="Маркова",
        first_name="Наталья", middle_name="Викторовна", phone=None,
    )  # fmt: skip
    for typed in ("маркова нв", "Маркова НВ", "маркова н в", "Маркова Н.В."):
        assert numbers(search(db, typed)) == ["5600000001"], typed


def test_meter_serial_without_its_leading_zeros(db: Database, town: dict) -> None:
    with db.transaction() as session:
        session.get(Meter, town["elkin"].meter_id).serial = "CE00412345"
        session.get(Meter, town["pryamaya"].meter_id).serial = "00098765"
    assert numbers(search(db, "CE412345")) == ["7200000777"]
    assert numbers(search(db, "ce0412345")) == ["7200000777"]
    assert numbers(search(db, "98765")) == ["110022334455"]
    assert search(db, "98765").kind == "serial_exact"


def test_one_word_that_is_a_surname_and_a_street(db: Database) -> None:
    person = make_account(
        db, number="5600000002", street="Садовая", house="3", last_name="Климова",
        first_name="Ольга", middle_name=None, phone=None,
    )  # fmt: skip
    flat = make_account(
        db, number="5600000003", street="Климова", house="8", flat="2", last_name="Петров",
        first_name="Иван", middle_name=None, phone=None,
    )  # fmt: skip
    result = search(db, "климова")
    assert numbers(result) == [person.number, flat.number]  # the person first, then the street
    assert [r.match for r in result.rows] == ["surname", "address"]
    assert numbers(search(db, "ул климова")) == [flat.number]
    assert numbers(search(db, "климова ольга")) == [person.number]


@pytest.mark.parametrize("typed", ["345-67-89", "345 67 89", "45-67-89"])
def test_the_end_of_a_phone_number(db: Database, town: dict, typed: str) -> None:
    result = search(db, typed)
    assert result.kind == "phone"
    assert numbers(result) == ["4500012345"]


def test_digits_in_groups_that_are_no_phone_still_find_the_account(
    db: Database, town: dict
) -> None:
    assert numbers(search(db, "4500 0123 45")) == ["4500012345"]
    # No phone ends so: the digits are a fragment of an account number.
    assert numbers(search(db, "22-33-44")) == ["110022334455"]
