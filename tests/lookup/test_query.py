"""What the search box takes typed text for, and how text is normalised for search."""

from __future__ import annotations

import pytest

from console.services.core.normalize import address_search_text, person_search_text, tokens
from console.services.lookup.query import classify, e164


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("", "empty"),
        ("    ", "empty"),
        ("x" * 500, "too_long"),
        ("%_", "no_terms"),
        ("4500012345", "number"),
        ("4500 012 345", "number"),
        ("+7 912 345-67-89", "phone"),
        ("8 (912) 345-67-89", "phone"),
        ("8 912 345 67 89", "phone"),
        ("7101 000123", "passport"),
        ("71 01 000123", "passport"),
        ("паспорт 7101000123", "passport"),
        ("Ivanov@Mail.ru", "email"),
        ("SN00012345", "serial"),
        ("СЕ-102-1234", "serial"),
        ("ленина 12-34", "address"),
        ("прямая д1 кв11", "address"),
        ("ул. Ленина", "address"),
        ("г. Курган", "address"),
        ("Иванов", "name"),
        ("Иванов П.С.", "name"),
        ("Иванов Д. К.", "name"),
        ("и", "too_short"),
    ],
)
def test_classify(typed: str, kind: str) -> None:
    assert classify(typed).kind == kind


def test_phone_to_e164() -> None:
    for typed in ("+7 912 345-67-89", "8 (912) 345-67-89", "89123456789", "9123456789"):
        assert e164(typed) == "+79123456789"
    assert e164("12345") is None
    assert e164("7200000001") is None


def test_passport_parts() -> None:
    assert classify("71 01 № 000123").passport == ("7101", "000123")


def test_initials_survive_as_name_terms() -> None:
    # "с" and "п" are also abbreviations (село, посёлок): in a name they are initials.
    assert classify("Иванов П. С.").terms == ("иванов", "п", "с")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("г. Курган ул Ленина д.12 кв.34", ["курган", "ленина", "12", "34"]),
        ("ленина 12-34", ["ленина", "12", "34"]),
        ("прямая д1 кв11", ["прямая", "1", "11"]),
        ("пр-т Мира, д. 5", ["мира", "5"]),
        ("Ёлочная 12 а", ["елочная", "12а"]),
        ("Ёлочная 12а", ["елочная", "12а"]),
        ("50 лет ВЛКСМ 3", ["50", "лет", "влксм", "3"]),
        # Latin look-alikes in a Cyrillic word or as a house letter are taken for Cyrillic…
        ("ЛЕНИHA 12a", ["ленина", "12а"]),
        ("Ёлочная 12 a", ["елочная", "12а"]),
        # …a Latin word is left as typed.
        ("SN0012 lenina", ["sn", "0012", "lenina"]),
    ],
)
def test_tokens(typed: str, expected: list[str]) -> None:
    assert tokens(typed) == expected


def test_stored_search_texts() -> None:
    assert address_search_text("Курган", "Ленина", "12", None, "34") == "курган ленина 12 34"
    assert person_search_text("Ёлкин", "Семён", "Ильич") == "елкин семен ильич"
