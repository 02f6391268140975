"""Exported text never becomes a formula: CSV and XLSX cells are neutralised one way.

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(…)`` leaks data, ``=cmd|' /C calc'!A0`` starts a program through DDE), and a
leading tab or carriage return hides such a start. OWASP's advice: prefix such text with an
apostrophe. Only text is touched: a Decimal amount, a negative one included, stays a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

#: The first characters a spreadsheet reads as the start of a formula (or hides one behind).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_KEPT = (Decimal, int, float, dt.date, dt.datetime, dt.time)


def inert_text(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any) -> str:
    """One CSV cell: text neutralised; numbers and dates written as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return inert_text(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def csv_row(values: Iterable[Any]) -> list[str]:
    """A row for ``csv.writer``: every cell through :func:`csv_cell`."""
    return [csv_cell(value) for value in values]


def xlsx_cell(value: Any) -> Any:
    """One XLSX cell value: text neutralised (openpyxl stores it as a string, never a formula);
    numbers, dates and empty cells stay what they are."""
    if value is None or isinstance(value, _KEPT):
        return value
    return inert_text(value if isinstance(value, str) else str(value))


def xlsx_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``Worksheet.append``: every cell through :func:`xlsx_cell`."""
    return [xlsx_cell(value) for value in values]
