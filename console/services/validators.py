"""Checks of numbers a clerk types, as plain functions reused by every form.

Each returns the normalised value or raises :class:`ValidationError` with a Russian sentence.
"""

from __future__ import annotations

import re
import unicodedata

from console.services.errors import ValidationError

_WEIGHTS_ACCOUNT = ((7, 1, 3) * 8)[:23]  # weights of the 23-digit control-key sum


def digits_only(value: str, *, length: int, what: str, field: str | None = None) -> str:
    """Strip spaces and dashes; insist on exactly ``length`` digits."""
    # NFKC turns fullwidth digits (pasted from some PDFs) into ASCII ones; other scripts'
    # digits pass str.isdigit() but are not digits a bank accepts.
    cleaned = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or ""))
    if not cleaned:
        raise ValidationError(f"Укажите {what}.", field)
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValidationError(f"{what[:1].upper() + what[1:]}: допустимы только цифры.", field)
    if len(cleaned) != length:
        raise ValidationError(
            f"{what[:1].upper() + what[1:]}: нужно {length} цифр, а введено {len(cleaned)}.", field
        )
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
