"""Money, dates and periods as a Russian reader expects them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.services.core import formatting as f


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234.565"), "1\u00a0234,57"),
        (Decimal("-63.11"), "−63,11"),
        (Decimal("-0.00"), "0,00"),
        (Decimal("-0.004"), "0,00"),
        (Decimal("1000000"), "1\u00a0000\u00a0000,00"),
    ],
)
def test_money(value: Decimal, text: str) -> None:
    assert f.money(value) == text


def test_money_with_currency_and_sign() -> None:
    assert f.money(Decimal("219.76"), currency=True) == "219,76\u00a0₽"
    assert f.money(Decimal("5"), sign=True) == "+5,00"


def test_dates_and_periods() -> None:
    assert f.date(dt.date(2017, 7, 5)) == "05.07.2017"
    assert f.month_year(dt.date(2017, 7, 1)) == "Июль 2017"
    assert f.parse_period("2026-10") == dt.date(2026, 10, 1)
    assert f.add_months(dt.date(2026, 11, 1), 2) == dt.date(2027, 1, 1)
    with pytest.raises(ValueError, match="ГГГГ-ММ"):
        f.parse_period("10.2026")


def test_passport_is_masked() -> None:
    assert f.mask_passport("4510", "123456") == "45 ** ******"
