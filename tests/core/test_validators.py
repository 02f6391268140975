"""Property tests of the validators: valid input normalises, bad input gets a Russian sentence."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn

from console.services.core import validators as v
from console.services.core.errors import ValidationError

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TODAY = dt.date(2026, 11, 15)

digits = st.text(alphabet="0123456789", min_size=1, max_size=14)
separators = st.sampled_from(["", " ", "-", "  "])


def russian(err: pytest.ExceptionInfo[ValidationError]) -> str:
    """The message must be a Russian sentence: Cyrillic, ends with a full stop."""
    message = str(err.value)
    assert CYRILLIC.search(message), message
    assert message.rstrip().endswith("."), message
    return message


def spaced(text: str, sep: str) -> str:
    return sep.join(text)


# --- passport -----------------------------------------------------------------------------


@given(st.text("0123456789", min_size=4, max_size=4), st.text("0123456789", min_size=6, max_size=6))
def test_passport_valid_normalises(series: str, number: str) -> None:
    assert v.passport(f"{series[:2]} {series[2:]}", number) == (series, number)
    assert v.passport(f" {series} ", f"{number[:3]}-{number[3:]}") == (series, number)


@given(digits.filter(lambda d: len(d) != 4), st.text("0123456789", min_size=6, max_size=6))
def test_passport_wrong_series_length(series: str, number: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.passport(series, number)
    assert err.value.field == "passport_series"
    assert "4 цифры" in russian(err)


@given(st.text("0123456789", min_size=4, max_size=4), digits.filter(lambda d: len(d) != 6))
def test_passport_wrong_number_length(series: str, number: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.passport(series, number)
    assert err.value.field == "passport_number"
    assert "6 цифр" in russian(err)


@given(
    st.text("0123456789", min_size=4, max_size=4),
    st.integers(0, 3),
    st.sampled_from("OoОоlIЗбABCDxх²٣"),
)
@example("4508", 1, "O")  # Latin O for zero
@example("4508", 1, "О")  # Cyrillic О for zero
def test_passport_letters_refused(series: str, position: int, letter: str) -> None:
    bad = series[:position] + letter + series[position + 1 :]
    with pytest.raises(ValidationError) as err:
        v.passport(bad, "123456")
    assert "только цифры" in russian(err)


def test_passport_empty() -> None:
    with pytest.raises(ValidationError) as err:
        v.passport("", "123456")
    assert russian(err) == "Укажите серию паспорта."


# --- division code --------------------------------------------------------------------------


@given(st.text("0123456789", min_size=6, max_size=6), separators)
def test_division_code_normalises(code: str, sep: str) -> None:
    assert v.division_code(f"{code[:3]}{sep}{code[3:]}") == f"{code[:3]}-{code[3:]}"


@given(digits.filter(lambda d: len(d) != 6))
def test_division_code_wrong_length(code: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.division_code(code)
    assert err.value.field == "passport_division_code"
    russian(err)


# --- SNILS ----------------------------------------------------------------------------------


def snils_checksum(first9: str) -> str:
    """Independent re-statement of the rule in DOMAIN.md."""
    total = sum(int(d) * (9 - i) for i, d in enumerate(first9))
    if total < 100:
        return f"{total:02d}"
    if total in (100, 101):
        return "00"
    rest = total % 101
    return "00" if rest == 100 else f"{rest:02d}"


first9 = st.integers(1001999, 999999999).map(lambda n: f"{n:09d}")


@given(first9, separators)
@example("112233445", " ")
def test_snils_valid(head: str, sep: str) -> None:
    number = head + snils_checksum(head)
    typed = f"{number[:3]}-{number[3:6]}-{number[6:9]}{sep}{number[9:]}"
    assert v.snils(typed) == number


@given(first9, st.integers(0, 99))
def test_snils_wrong_checksum(head: str, control: int) -> None:
    assume(f"{control:02d}" != snils_checksum(head))
    with pytest.raises(ValidationError) as err:
        v.snils(head + f"{control:02d}")
    assert err.value.field == "snils"
    assert "контрольного числа" in russian(err)


def test_snils_known_example_and_small_numbers() -> None:
    assert v.snils("112-233-445 95") == "11223344595"
    # Numbers up to 001-001-998 carry no checksum.
    assert v.snils("001-001-998 42") == "00100199842"


@given(digits.filter(lambda d: len(d) != 11))
def test_snils_wrong_length(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.snils(number)
    russian(err)


# --- INN ------------------------------------------------------------------------------------


def inn10(head: str) -> str:
    return head + stdnum_inn.calc_company_check_digit(head)


def inn12(head: str) -> str:
    return head + stdnum_inn.calc_personal_check_digits(head)


@given(st.text("0123456789", min_size=9, max_size=9))
def test_inn10_valid(head: str) -> None:
    number = inn10(head)
    assert v.inn(f" {number} ") == number


@given(st.text("0123456789", min_size=10, max_size=10))
def test_inn12_valid(head: str) -> None:
    number = inn12(head)
    assert v.inn(number) == number


@given(st.text("0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_inn_wrong_check_digit(head: str, shift: int) -> None:
    number = inn10(head)
    bad = number[:9] + str((int(number[9]) + shift) % 10)
    with pytest.raises(ValidationError) as err:
        v.inn(bad)
    assert err.value.field == "inn"
    assert "контрольных цифр" in russian(err)


@given(digits.filter(lambda d: len(d) not in (10, 12)))
def test_inn_wrong_length(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.inn(number)
    russian(err)


# --- phone ----------------------------------------------------------------------------------

mobile = st.tuples(st.integers(900, 999), st.integers(0, 9999999)).map(
    lambda t: f"{t[0]}{t[1]:07d}"
)


@given(mobile)
def test_phone_formats_normalise(ten: str) -> None:
    expected = "+7" + ten
    spellings = [
        f"8 ({ten[:3]}) {ten[3:6]}-{ten[6:8]}-{ten[8:]}",
        f"+7 {ten[:3]} {ten[3:]}",
        f"8{ten}",
        f"+7{ten}",
        f"+7 ({ten[:3]}) {ten[3:6]} {ten[6:8]} {ten[8:]}",
    ]
    for typed in spellings:
        try:
            assert v.phone(typed) == expected
        except ValidationError:
            # phonenumbers knows which 9xx ranges are allocated; unallocated ones are refused
            # for every spelling alike.
            for other in spellings:
                with pytest.raises(ValidationError):
                    v.phone(other)
            return


@pytest.mark.parametrize("typed", ["8 (912) 345-67-89", "+7 912 3456789", "89123456789"])
def test_phone_examples(typed: str) -> None:
    assert v.phone(typed) == "+79123456789"


@given(st.text("0123456789", min_size=1, max_size=9))
def test_phone_too_short(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.phone(number)
    assert err.value.field == "phone"
    russian(err)


@pytest.mark.parametrize(
    "typed", ["+7 701 123 4567", "+1 202 555 0123", "8 912 345 67 89 12", "тел. 89123456789"]
)
def test_phone_foreign_or_garbled_refused(typed: str) -> None:
    # +7 7xx is Kazakhstan: a Russian retailer cannot text it.
    with pytest.raises(ValidationError) as err:
        v.phone(typed)
    russian(err)


# --- e-mail ---------------------------------------------------------------------------------

local = st.from_regex(r"[a-z0-9][a-z0-9._+\-]{0,15}[a-z0-9]", fullmatch=True).filter(
    lambda s: ".." not in s
)
domain = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?\.(ru|com|рф|org)", fullmatch=True)


@given(local, domain)
def test_email_valid(name: str, host: str) -> None:
    assert v.email(f"  {name}@{host.upper()} ") == f"{name}@{host}"


@given(
    local,
    domain,
    st.sampled_from(
        [
            "{l}{d}",
            "{l}@@{d}",
            "{l}@",
            "@{d}",
            "{l}@{d}.",
            "{l} @{d}",
            "{l}@{d}..ru",
            "{l}..x@{d}",
            "{l}@localhost",
        ]
    ),
)
def test_email_invalid(name: str, host: str, shape: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.email(shape.format(l=name, d=host))
    assert err.value.field == "email"
    russian(err)


# --- names ----------------------------------------------------------------------------------

cyr = st.text("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", min_size=1, max_size=12)


@given(cyr, st.one_of(st.none(), cyr))
def test_person_name_capitalised(first: str, second: str | None) -> None:
    typed = first if second is None else f"{first}-{second}"
    result = v.person_name(f"  {typed} ", label="Фамилия", field="last_name")
    assert result.casefold() == typed.casefold()
    assert result[0].isupper()


@given(cyr, st.integers(0, 11), st.sampled_from("aeopcxAEOPCXHKMBT"))
def test_person_name_latin_lookalike_refused(name: str, pos: int, latin: str) -> None:
    bad = name[: pos % len(name)] + latin + name[pos % len(name) + 1 :]
    with pytest.raises(ValidationError) as err:
        v.person_name(bad, label="Фамилия", field="last_name")
    assert "латинские" in russian(err)
    assert err.value.field == "last_name"


def test_person_name_hint_and_required() -> None:
    with pytest.raises(ValidationError, match="«Иванов»"):
        v.person_name("Ивaнов", label="Фамилия", field="last_name")  # Latin "a"
    with pytest.raises(ValidationError, match="Заполните поле «Имя»"):
        v.person_name(" ", label="Имя", field="first_name")
    assert v.person_name("", label="Отчество", field="middle_name", required=False) == ""


# --- dates ----------------------------------------------------------------------------------

dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))


@given(dates)
def test_parse_date_round_trip(day: dt.date) -> None:
    assert v.parse_date(day.strftime("%d.%m.%Y"), what="дату", field="d") == day
    assert v.parse_date(day.strftime("%d%m%Y"), what="дату", field="d") == day


@pytest.mark.parametrize("typed", ["31.02.2000", "2000-01-01", "1.1.80", "сегодня"])
def test_parse_date_refuses(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        v.parse_date(typed, what="дату рождения", field="birth_date")
    russian(err)


@given(dates)
def test_birth_date_rules(day: dt.date) -> None:
    age_ok = v.anniversary(day, 14) <= TODAY < v.anniversary(day, 120)
    if age_ok:
        assert v.birth_date(day, today=TODAY) == day
    else:
        with pytest.raises(ValidationError) as err:
            v.birth_date(day, today=TODAY)
        assert err.value.field == "birth_date"
        russian(err)


@given(dates, dates)
def test_passport_issue_date_rules(issued: dt.date, born: dt.date) -> None:
    ok = issued <= TODAY and issued >= v.anniversary(born, 14)
    for age in (20, 45):  # ПП РФ № 828: replaced at 20 and 45, 90 days' grace
        birthday = v.anniversary(born, age)
        if issued < birthday and birthday + dt.timedelta(days=90) < TODAY:
            ok = False
    if ok:
        assert v.passport_issue_date(issued, born, today=TODAY) == issued
    else:
        with pytest.raises(ValidationError) as err:
            v.passport_issue_date(issued, born, today=TODAY)
        assert err.value.field == "passport_issued_on"
        russian(err)


def test_leap_day_birthday() -> None:
    born = dt.date(2008, 2, 29)
    with pytest.raises(ValidationError, match="14-летия"):
        v.passport_issue_date(dt.date(2022, 2, 28), born, today=TODAY)
    assert v.passport_issue_date(dt.date(2022, 3, 1), born, today=TODAY)


@pytest.mark.parametrize(
    "n,word",
    [
        (1, "цифра"),
        (4, "цифры"),
        (6, "цифр"),
        (11, "цифр"),
        (12, "цифр"),
        (21, "цифра"),
        (22, "цифры"),
    ],
)
def test_plural(n: int, word: str) -> None:
    assert v.plural(n, "цифра", "цифры", "цифр") == word
