"""What did the clerk type? Classifies one search box's text into a kind of lookup.

No mode picker: digits are an account number (or a meter serial, or a phone), digits grouped
by dashes ("918-74-99") are the end of a phone number, digits with letters glued together are a
serial, "@" is an e-mail, "7101 000123" is a passport, words with a number are an address, words
alone are a surname (one word may be a street too: "климова").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from console.services.core.normalize import NOISE_WORDS, tokens, words

MAX_QUERY_LENGTH = 120
MIN_FRAGMENT_DIGITS = 5
#: The end of a phone number a customer remembers ("918-74-99", "74-99"): 5 to 7 digits.
PHONE_TAIL_DIGITS = range(5, 8)
#: Serials are printed zero-padded to a fixed width; a clerk may type them without the zeros.
MAX_SERIAL_DIGITS = 12

# Words that make text an address even without a number ("ул Ленина", "г. Курган").
# Single letters (д, с, п, к) are left out: they are initials as often as abbreviations.
ADDRESS_MARKERS = frozenset(
    w for w in NOISE_WORDS if len(w) > 1 and w not in {"гор", "пр", "пос", "стр", "тер"}
) | {"г"}

_PASSPORT = re.compile(
    r"^(?:паспорт\w*|пасп)?[\s.:]*(\d{2})\s?(\d{2})(?:\s*[№n]\s*|\s+)(\d{6})$", re.IGNORECASE
)
_PASSPORT_WORD = re.compile(r"^(?:паспорт\w*|пасп)[\s.:]*(\d{4})(\d{6})$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^\+?[\d\s()\-.]+$")
_SERIAL = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё\-/.]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_GROUPED_DIGITS = re.compile(r"^\d{2,4}(?:[-\s]\d{2,4})+$")
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")


#: A payment QR code of a bill (ГОСТ Р 56042-2014): "ST00012|Name=…|PersAcc=7200000001|…".
#: ST0001 and the encoding's digit (1 windows-1251, 2 UTF-8, 3 KOI8-R), then "|"-separated
#: Key=Value fields; the payer's account number is PersAcc.
_PAYMENT_CODE = re.compile(r"^ST0001[123]\|")
#: The same code typed by a keyboard-wedge scanner while the Russian layout was on.
_RUSSIAN_LAYOUT = str.maketrans(
    "ЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬйцукенгшщзфывапролдячсмить/",
    "QWERTYUIOPASDFGHJKLZXCVBNMqwertyuiopasdfghjklzxcvbnm|",
)
_PAYMENT_CODE_RU = re.compile(r"^ЫЕ0001[123]/")


def payment_code_account(text: str) -> str | None:
    """The PersAcc of a scanned payment QR code ("" when the code names no account), or None
    when the text is not such a code."""
    text = text.strip()
    if _PAYMENT_CODE_RU.match(text):
        text = text.translate(_RUSSIAN_LAYOUT)
    if not _PAYMENT_CODE.match(text):
        return None
    for field in text.split("|")[1:]:
        key, _, value = field.partition("=")
        if key.strip().casefold() == "persacc":
            return re.sub(r"\D", "", value)
    return ""


@dataclass(frozen=True)
class Query:
    """A classified query. ``kind`` decides which lookups run."""

    kind: str  # empty, too_long, no_terms, too_short, number, serial, phone, phone_tail,
    #            passport, email, address, name, payment_code
    raw: str
    digits: str = ""
    terms: tuple[str, ...] = ()
    phone: str | None = None  # E.164
    passport: tuple[str, str] | None = None  # (series, number)
    email: str | None = None
    serials: tuple[str, ...] = ()

    @property
    def searchable(self) -> bool:
        return self.kind not in ("empty", "too_long", "no_terms", "too_short")


def e164(text: str) -> str | None:
    """A Russian phone number in any usual writing → "+79123456789", or None."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    if len(digits) != 11 or digits[0] not in "78":
        return None
    try:
        number = phonenumbers.parse("+7" + digits[1:], "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def serial_variants(text: str) -> tuple[str, ...]:
    """How a serial may be stored: as typed, upper-case, without dashes or spaces, and with its
    number zero-padded ("CE412345" may be "CE00412345") or without the zeros typed."""
    typed = text.strip()
    compact = re.sub(r"[\s\-]", "", typed)
    seen: dict[str, None] = {}
    for v in (typed, typed.upper(), compact, compact.upper()):
        seen.setdefault(v, None)
    found = _TRAILING_DIGITS.match(compact.upper())
    if found:
        head, number = found.groups()
        bare = number.lstrip("0") or "0"
        for width in range(len(bare), MAX_SERIAL_DIGITS + 1):
            seen.setdefault(head + bare.zfill(width), None)
    return tuple(seen)


def classify(raw: str) -> Query:
    """Classify the text of the search box."""
    text = " ".join((raw or "").split())
    if not text:
        return Query("empty", text)
    scanned = payment_code_account(text)
    if scanned is not None:  # a bill's QR code from the scanner: its account, by number only
        return Query("payment_code", text, digits=scanned)
    if len(text) > MAX_QUERY_LENGTH:
        return Query("too_long", text)
    if "@" in text:
        email = text.replace(" ", "").casefold()
        return Query("email", text, email=email) if _EMAIL.match(email) else Query("no_terms", text)
    passport = _PASSPORT.match(text) or _PASSPORT_WORD.match(text)
    if passport:
        groups = passport.groups()
        series = "".join(groups[:-1])
        return Query("passport", text, passport=(series, groups[-1]))
    if _PHONE_CHARS.match(text):
        digits = re.sub(r"\D", "", text)
        phone = e164(digits)
        written_as_phone = any(ch in text for ch in "+().")
        if written_as_phone or (phone is not None and not text.isdigit()):
            # A plus, brackets or "8 912 345-67-89": the way phones are written.
            return Query("phone", text, digits=digits, phone=phone)
        if phone is None and _GROUPED_DIGITS.match(text) and len(digits) in PHONE_TAIL_DIGITS:
            # "918-74-99": the end of a phone number, as people say it.
            return Query("phone_tail", text, digits=digits)
        if not digits:
            return Query("no_terms", text)
        return Query("number", text, digits=digits, phone=phone, serials=serial_variants(digits))
    if " " not in text and _SERIAL.match(text) and _looks_like_serial(text):
        return Query("serial", text, serials=serial_variants(text), terms=tuple(tokens(text)))
    all_words = words(text)
    if not any(any(ch.isalnum() for ch in w) for w in all_words):
        return Query("no_terms", text)
    has_digit = any(ch.isdigit() for ch in text)
    if has_digit or (all_words and all_words[0] in ADDRESS_MARKERS) or _has_street_word(all_words):
        terms = tuple(tokens(text))
        if not terms:
            return Query("no_terms", text)
        if sum(len(t) for t in terms) < 2:
            return Query("too_short", text)
        return Query("address", text, terms=terms)
    if sum(len(w) for w in all_words) < 2:
        return Query("too_short", text)
    return Query("name", text, terms=tuple(all_words))


def _looks_like_serial(text: str) -> bool:
    """Letters and digits in one word, not an abbreviated address bit like "д12" or "кв34"."""
    has_digit = any(ch.isdigit() for ch in text)
    has_alpha = any(ch.isalpha() for ch in text)
    if not (has_digit and has_alpha):
        return False
    parts = words(text)
    return not any(p in NOISE_WORDS for p in parts)


def _has_street_word(all_words: list[str]) -> bool:
    return any(w in ADDRESS_MARKERS and len(w) > 2 for w in all_words)
