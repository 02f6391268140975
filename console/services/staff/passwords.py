"""Staff logins and passwords: the rules they follow and Argon2 hashes for the embedded database."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from console.services.core.errors import ValidationError

#: A PostgreSQL login role name the console creates: safe to quote, never a reserved prefix.
LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9_.]{2,62}")
RESERVED_PREFIXES = ("pg_", "console_")
MIN_PASSWORD = 8
MAX_PASSWORD = 128

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs


def login(value: str) -> str:
    """A login as stored: trimmed, lower-case, 3–63 Latin letters, digits, ``.`` and ``_``."""
    cleaned = (value or "").strip().lower()
    if not cleaned:
        raise ValidationError("Укажите логин.", "login")
    if not LOGIN_PATTERN.fullmatch(cleaned):
        raise ValidationError(
            "Логин: от 3 до 63 знаков — строчные латинские буквы, цифры, точка и подчёркивание, "
            "первый знак — буква (например, ivanova.a).",
            "login",
        )
    if cleaned.startswith(RESERVED_PREFIXES) or cleaned in ("postgres", "public", "system"):
        raise ValidationError(f"Логин «{cleaned}» зарезервирован: выберите другой.", "login")
    return cleaned


def new_password(value: str) -> str:
    """A password someone sets: 8–128 characters, no control characters, not only spaces."""
    if value is None or not value.strip():
        raise ValidationError("Укажите пароль.", "password")
    if len(value) < MIN_PASSWORD:
        raise ValidationError(
            f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD} знаков.", "password"
        )
    if len(value) > MAX_PASSWORD:
        raise ValidationError(
            f"Пароль слишком длинный: не больше {MAX_PASSWORD} знаков.", "password"
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise ValidationError(
            "В пароле есть служебные (непечатаемые) знаки: наберите его заново.", "password"
        )
    return value


def hash_password(password: str) -> str:
    """An Argon2id hash (salt and costs inside) for ``staff.password_hash``."""
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; takes as long for a missing hash as for a wrong one."""
    if len(password) > MAX_PASSWORD * 4:
        return False
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker costs than today's."""
    return _hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Unknown logins still pay for one verification: the time does not tell which logins exist.
    return _hasher.hash("not-a-password-of-anyone")
