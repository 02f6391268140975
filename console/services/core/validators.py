"""Checks of numbers a clerk types, as plain functions reused by every form.

Each returns the normalised value or raises :class:`ValidationError` with a Russian sentence.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from stdnum import exceptions as stdnum_exceptions
from stdnum.ru import inn as stdnum_inn

from console.services.core.errors import ValidationError
from console.services.core.normalize import LATIN_LOOKALIKES
from console.services.core.words import plural as plural

_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_WEIGHTS_ACCOUNT = ((7, 1, 3) * 8)[:23]  # weights of the 23-digit control-key sum


def digits_only(
    value: str, *, length: int, what: str, field: str | None = None, label: str | None = None
) -> str:
    """Strip spaces and dashes; insist on exactly ``length`` digits.

    ``what`` fits "Укажите …" (accusative); ``label`` starts the other messages (nominative).
    """
    label = label or what.capitalize()
    # Fullwidth digits (pasted from some PDFs) become ASCII; "²" and other scripts' digits don't.
    cleaned = re.sub(r"[\s\-]", "", (value or "").translate(_FULLWIDTH_DIGITS))
    if not cleaned:
        raise ValidationError(f"Укажите {what}.", field)
    # isdigit() alone lets "²" and Arabic-Indic digits through; insist on 0–9.
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValidationError(f"{label}: допустимы только цифры.", field)
    if len(cleaned) != length:
        word = plural(length, "цифра", "цифры", "цифр")
        raise ValidationError(f"{label}: нужно {length} {word}, а введено {len(cleaned)}.", field)
    return cleaned


def bic(value: str) -> str:
    """БИК: 9 digits."""
    return digits_only(value, length=9, what="БИК", field="bic")


def _account_key_ok(prefix3: str, account: str) -> bool:
    digits = prefix3 + account
    total = sum((int(d) * w) % 10 for d, w in zip(digits, _WEIGHTS_ACCOUNT, strict=True))
    return total % 10 == 0


def account_control_digit(prefix3: str, account: str) -> str:
    """The control key (9th digit) that makes ``account`` pass for the given 3-digit prefix."""
    for key in "0123456789":
        candidate = account[:8] + key + account[9:]
        if _account_key_ok(prefix3, candidate):
            return key
    raise AssertionError("unreachable: one key always fits")


def settlement_account(bic_value: str, account: str) -> str:
    """Расчётный счёт: 20 digits whose control key agrees with the BIC's last three digits."""
    b = bic(bic_value)
    acc = digits_only(account, length=20, what="расчётный счёт", field="settlement_account")
    if not _account_key_ok(b[-3:], acc):
        raise ValidationError(
            "Расчётный счёт не сходится с БИК по контрольному ключу: проверьте обе цифры.",
            "settlement_account",
        )
    return acc


def correspondent_account(bic_value: str, account: str) -> str:
    """Корреспондентский счёт: 20 digits, key over "0" + BIC's 5th and 6th digits."""
    b = bic(bic_value)
    acc = digits_only(account, length=20, what="корреспондентский счёт", field="corr_account")
    if not _account_key_ok("0" + b[4:6], acc):
        raise ValidationError(
            "Корреспондентский счёт не сходится с БИК по контрольному ключу.", "corr_account"
        )
    return acc


# --- identity: passport, division code, SNILS, INN --------------------------------------------

_LATIN = re.compile(r"[A-Za-z]")
_NAME = re.compile(r"^[А-Яа-яЁё]+(?:[ '\-][А-Яа-яЁё]+)*$")
_LOOKALIKES = str.maketrans(LATIN_LOOKALIKES)


def person_name(value: str, *, label: str, field: str, required: bool = True) -> str:
    """Фамилия/имя/отчество as in the passport: Cyrillic letters, hyphen, space, apostrophe."""
    cleaned = " ".join((value or "").split())
    if not cleaned:
        if required:
            raise ValidationError(f"Заполните поле «{label}».", field)
        return ""
    if _LATIN.search(cleaned):
        hint = _capitalise(cleaned.translate(_LOOKALIKES))
        extra = f" Возможно, имелось в виду «{hint}»." if _NAME.match(hint) else ""
        raise ValidationError(
            f"В поле «{label}» есть латинские буквы: наберите его русскими буквами, "
            f"как в паспорте.{extra}",
            field,
        )
    if not _NAME.match(cleaned):
        raise ValidationError(
            f"В поле «{label}» допустимы только русские буквы, дефис и пробел.", field
        )
    if len(cleaned) > 80:
        raise ValidationError(f"Поле «{label}» длиннее 80 знаков.", field)
    return _capitalise(cleaned)


def _capitalise(name: str) -> str:
    # "иванова-петрова" → "Иванова-Петрова": each part starts with a capital, as printed.
    return re.sub(r"(^|[ \-'])([а-яё])", lambda m: m.group(1) + m.group(2).upper(), name)


def passport(series: str, number: str) -> tuple[str, str]:
    """Паспорт РФ: series of 4 digits ("45 08" is fine) and number of 6; no checksum exists."""
    s = digits_only(
        series, length=4, what="серию паспорта", field="passport_series", label="Серия паспорта"
    )
    n = digits_only(
        number, length=6, what="номер паспорта", field="passport_number", label="Номер паспорта"
    )
    return s, n


def division_code(value: str) -> str:
    """Код подразделения "NNN-NNN" (typed with or without the dash)."""
    code = digits_only(value, length=6, what="код подразделения", field="passport_division_code")
    return f"{code[:3]}-{code[3:]}"


def snils_control(first9: str) -> str:
    """The two control digits of a SNILS for its first nine digits."""
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total > 101:
        total %= 101
    return "00" if total in (100, 101) else f"{total:02d}"


def snils(value: str) -> str:
    """СНИЛС: 11 digits; the last two are a checksum (checked above 001-001-998)."""
    number = digits_only(value, length=11, what="СНИЛС", field="snils")
    if int(number[:9]) > 1001998 and snils_control(number[:9]) != number[9:]:
        raise ValidationError(
            "СНИЛС не проходит проверку контрольного числа: сверьте цифры с карточкой СНИЛС.",
            "snils",
        )
    return number


def inn(value: str) -> str:
    """ИНН физического лица (12 digits) or организации (10 digits), checked by python-stdnum."""
    cleaned = re.sub(r"\s", "", value or "")
    if not cleaned:
        raise ValidationError("Укажите ИНН.", "inn")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValidationError("ИНН: допустимы только цифры.", "inn")
    if len(cleaned) not in (10, 12):
        raise ValidationError(f"ИНН: нужно 10 или 12 цифр, а введено {len(cleaned)}.", "inn")
    try:
        return str(stdnum_inn.validate(cleaned))
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            "ИНН не проходит проверку контрольных цифр: сверьте его с документом.", "inn"
        ) from None


# --- contacts ------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_]{2,}$"
)


def phone(value: str) -> str:
    """A Russian phone number in any usual spelling → E.164 "+7XXXXXXXXXX"."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Укажите номер телефона.", "phone")
    if re.search(r"[^\d\s()+\-.]", text):
        raise ValidationError(
            "Номер телефона: допустимы цифры, пробелы, скобки, дефис и «+».", "phone"
        )
    try:
        parsed = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        parsed = None
    if (
        parsed is None
        or parsed.country_code != 7
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.region_code_for_number(parsed) != "RU"
    ):
        raise ValidationError(
            "Номер телефона не похож на российский: нужно 10 цифр после +7 или 8, "
            "например 8 (912) 345-67-89.",
            "phone",
        )
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def email(value: str) -> str:
    """An e-mail address: one "@", a dotted domain; the domain is lower-cased."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Укажите адрес электронной почты.", "email")
    local, at, domain = text.rpartition("@")
    if not at or not local or ".." in text or local.startswith(".") or local.endswith("."):
        raise ValidationError(
            "Адрес электронной почты набран неверно: нужен вид имя@домен.ru.", "email"
        )
    normalised = f"{local}@{domain.lower()}"
    if len(normalised) > 120 or not _EMAIL.match(normalised):
        raise ValidationError(
            "Адрес электронной почты набран неверно: нужен вид имя@домен.ru.", "email"
        )
    return normalised


# --- dates ---------------------------------------------------------------------------------

PASSPORT_AGE = 14
OLDEST_AGE = 120
ADULT_AGE = 18
#: ПП РФ от 23.12.2023 № 828 (п. 16, 30): the passport is replaced at 20 and at 45; the old one
#: stays valid until the new one is issued, at most 90 days after the birthday.
REPLACEMENT_AGES = (20, 45)
REPLACEMENT_GRACE_DAYS = 90


def parse_date(text: str, *, what: str, field: str) -> dt.date:
    """ "17.05.1980", "17.5.1980" or "17051980" → a date; Russian message otherwise."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(f"Укажите {what}.", field)
    match = re.fullmatch(r"(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4})", cleaned) or re.fullmatch(
        r"(\d{2})(\d{2})(\d{4})", cleaned
    )
    if match is None:
        raise ValidationError(
            f"{what.capitalize()}: введите дату в виде ДД.ММ.ГГГГ, например 17.05.1980.", field
        )
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(f"{what.capitalize()}: такой даты нет в календаре.", field) from None


def anniversary(day: dt.date, years: int) -> dt.date:
    """The date ``years`` after ``day``; 29 February falls on 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def birth_date(value: dt.date, *, today: dt.date | None = None) -> dt.date:
    """A passport holder's birth date: at least 14 years ago, at most 120 years ago."""
    today = today or dt.date.today()
    if value > today:
        raise ValidationError("Дата рождения не может быть в будущем.", "birth_date")
    if anniversary(value, PASSPORT_AGE) > today:
        raise ValidationError(
            "По дате рождения клиенту нет 14 лет, а паспорт выдают с 14 лет: проверьте год.",
            "birth_date",
        )
    if anniversary(value, OLDEST_AGE) <= today:
        raise ValidationError(
            "Дата рождения неправдоподобна (больше 120 лет назад): проверьте год.", "birth_date"
        )
    return value


def passport_issue_date(
    issued_on: dt.date, birth: dt.date | None, *, today: dt.date | None = None
) -> dt.date:
    """Дата выдачи: not in the future and not before the holder's 14th birthday."""
    today = today or dt.date.today()
    if issued_on > today:
        raise ValidationError("Дата выдачи паспорта не может быть в будущем.", "passport_issued_on")
    if birth is not None and issued_on < anniversary(birth, PASSPORT_AGE):
        raise ValidationError(
            "Дата выдачи раньше 14-летия клиента: паспорт выдают с 14 лет. Проверьте обе даты.",
            "passport_issued_on",
        )
    if birth is not None:
        for age in REPLACEMENT_AGES:
            birthday = anniversary(birth, age)
            deadline = birthday + dt.timedelta(days=REPLACEMENT_GRACE_DAYS)
            if issued_on < birthday and today > deadline:
                raise ValidationError(
                    f"Паспорт недействителен: выдан до {age}-летия клиента и не заменён в срок "
                    f"(паспорт меняют в {age} лет, старый действует 90 дней после дня рождения — "
                    f"до {deadline:%d.%m.%Y}; ПП РФ № 828). Попросите действующий паспорт "
                    "или проверьте даты.",
                    "passport_issued_on",
                )
    return issued_on


def age_on(birth: dt.date, today: dt.date) -> int:
    """Full years on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def minor_warning(birth: dt.date, *, today: dt.date | None = None) -> str | None:
    """A 14–17-year-old may be registered (the passport is theirs) but is flagged: the contract
    and the consent are signed with a legal representative (ГК РФ ст. 26)."""
    age = age_on(birth, today or dt.date.today())
    if age >= ADULT_AGE:
        return None
    years = plural(age, "год", "года", "лет")
    return (
        f"Клиенту {age} {years} — несовершеннолетний. Согласие на обработку персональных "
        "данных и заявление подписывает законный представитель (родитель, опекун): проверьте "
        "его документ."
    )


def required_text(value: str, *, what: str, field: str, max_length: int) -> str:
    """A free-text field that must be filled ("Кем выдан", адрес регистрации)."""
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValidationError(f"Укажите {what}.", field)
    if len(cleaned) > max_length:
        raise ValidationError(f"Поле «{what}» длиннее {max_length} знаков: сократите его.", field)
    return cleaned
