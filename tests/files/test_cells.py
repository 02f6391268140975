"""CSV and XLSX exports: text a spreadsheet would run is written inert; numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from console.services.documents import report_export
from console.services.documents.reports import Column, Report
from console.services.files import cells as cell_safety

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "\t=1",
    "-2+3",
    "\r=1",
)


@dataclass(frozen=True)
class Row:
    name: str
    description: str
    amount: Decimal
    count: int
    day: dt.date


def _report() -> Report[Row]:
    rows = tuple(
        Row(
            text,
            f"{text}",
            Decimal("-150.25") if i % 2 else Decimal("1234.50"),
            -i,
            dt.date(2026, 9, 1),
        )
        for i, text in enumerate(HOSTILE)
    )
    return Report(
        title="=Отчёт", subtitle="@подзаголовок",
        columns=(Column("ФИО", "name"), Column("Описание", "description"),
                 Column("Сумма", "amount", "money"), Column("Кол-во", "count", "int"),
                 Column("Дата", "day", "date")),
        rows=rows, totals={"amount": Decimal("-1.00")}, notes=("-примечание",),
    )  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_inert_text_prefixes_an_apostrophe(text: str) -> None:
    assert cell_safety.inert_text(text) == "'" + text
    assert cell_safety.csv_cell(text) == "'" + text
    assert cell_safety.xlsx_cell(text) == "'" + text


def test_plain_text_and_numbers_are_left_alone() -> None:
    assert cell_safety.inert_text("Иванов Пётр") == "Иванов Пётр"
    assert cell_safety.inert_text("") == ""
    assert cell_safety.csv_cell(Decimal("-5.00")) == "-5.00"
    assert cell_safety.csv_cell(None) == ""
    assert cell_safety.xlsx_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert cell_safety.xlsx_cell(-3) == -3
    assert cell_safety.xlsx_cell(dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)


def test_xlsx_export_stores_hostile_text_as_strings_and_money_as_numbers() -> None:
    sheet = load_workbook(io.BytesIO(report_export.to_xlsx(_report()))).active
    assert sheet is not None
    assert sheet["A1"].value == "'=Отчёт" and sheet["A2"].value == "'@подзаголовок"
    for index, text in enumerate(HOSTILE):
        row = 4 + index
        for column in "AB":
            cell = sheet[f"{column}{row}"]
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            # XML reads a stored carriage return back as a line feed; the apostrophe stays.
            assert cell.value == "'" + text.replace("\r", "\n")
        amount = sheet[f"C{row}"]
        assert amount.data_type == "n" and Decimal(str(amount.value)) in (
            Decimal("-150.25"), Decimal("1234.50"),
        )  # fmt: skip
        assert sheet[f"D{row}"].data_type == "n" and sheet[f"D{row}"].value == -index
    total = sheet[f"C{4 + len(HOSTILE)}"]
    assert total.data_type == "n" and total.value == -1
    assert sheet[f"A{5 + len(HOSTILE)}"].value == "'-примечание"
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_csv_export_writes_hostile_text_inert_and_negative_money_readable() -> None:
    raw = report_export.to_csv(_report()).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw, newline=""), delimiter=";"))
    assert lines[0] == ["'=Отчёт", "'@подзаголовок"]
    for index, text in enumerate(HOSTILE):
        name, description, amount, count, day = lines[2 + index]
        assert name == description == "'" + text
        assert amount in ("-150,25", "1234,50")
        assert count == str(-index) and day == "01.09.2026"
    assert lines[2 + len(HOSTILE)][:3] == ["Итого", "", "-1,00"]
    assert lines[-1] == ["'-примечание"]
    for line in lines:
        for cell in line:
            assert not cell.startswith(cell_safety.FORMULA_STARTS) or cell[1:2].isdigit(), cell
