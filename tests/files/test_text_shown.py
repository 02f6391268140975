"""A field quoted in an import message carries no personal data, whatever column it came in."""

from __future__ import annotations

import datetime as dt

from console.services.files.text import shown
from console.services.payments import registry


def test_a_name_in_the_date_column_is_not_echoed() -> None:
    # Found by the CLI fuzzer: «дата «Конфиденциальнова» не распознана».
    assert shown("Конфиденциальнова") == "***"
    assert shown("12.ноя.2026") == "12.***.2026"
    assert shown("SN-FUZZ-1") == "SN-FUZZ-1"  # serials and numbers stay readable
    assert shown("\\x1b[2J") == "\\x1b[2J"


def test_the_registry_says_which_date_without_the_name() -> None:
    try:
        registry._date("Конфиденциальнова", dt.date(2026, 12, 7))
    except ValueError as err:
        assert "Конфиденциальнова" not in str(err) and "не распознана" in str(err)
    else:
        raise AssertionError("a name is not a date")
