"""Reports out of the console: screen text, CSV for Excel, XLSX and a printable PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from console.services.core.formatting import date, date_time, money, month_year, rate, volume
from console.services.documents import fonts
from console.services.documents.layout import BOLD, REGULAR, Pen, mm, wrap
from console.services.documents.layout import Column as PdfColumn
from console.services.documents.reports import Column, Report
from console.services.files.cells import csv_row, inert_text, xlsx_cell, xlsx_row

NUMERIC = frozenset({"money", "volume", "rate", "int"})


def cell_text(column: Column, value: Any) -> str:
    """How a value reads on screen and on paper: "1 234,56", "20.09.2026", "Сентябрь 2026"."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "money":
        return money(value)
    if kind == "date":
        return date(value)
    if kind == "datetime":
        return date_time(value)
    if kind == "month":
        return month_year(value)
    if kind == "volume":
        return volume(value, 0 if value == value.to_integral_value() else 3)
    if kind == "rate":
        return rate(value)
    return str(value)


def _plain(column: Column, value: Any) -> str:
    """A value for CSV: numbers without thousands separators, with a decimal comma; text that a
    spreadsheet would run as a formula neutralised (numbers, negative ones too, stay numbers)."""
    if value is None:
        return ""
    if column.kind in NUMERIC and isinstance(value, Decimal | int):
        return str(value).replace(".", ",")
    return inert_text(cell_text(column, value).replace("\u00a0", " "))


def _totals_row(report: Report[Any]) -> list[tuple[Column, Any]] | None:
    if not report.totals:
        return None
    return [(c, report.totals.get(c.attr)) for c in report.columns]


def to_csv(report: Report[Any]) -> bytes:
    """Semicolon-separated UTF-8 with a BOM: Excel in a Russian locale opens it as columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row([report.title, report.subtitle]))
    writer.writerow(csv_row(c.title for c in report.columns))
    for row in report.rows:
        writer.writerow([_plain(c, getattr(row, c.attr)) for c in report.columns])
    totals = _totals_row(report)
    if totals is not None:
        cells = [_plain(c, v) for c, v in totals]
        cells[0] = cells[0] or "Итого"
        writer.writerow(cells)
    for note in report.notes:
        writer.writerow(csv_row([note]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_XLSX_FORMATS = {
    "money": "#,##0.00", "date": "DD.MM.YYYY", "datetime": "DD.MM.YYYY HH:MM", "month": "MM.YYYY",
    "volume": "#,##0.###", "rate": "0.00##", "int": "0",
}  # fmt: skip


def _xlsx_value(column: Column, value: Any) -> Any:
    """A real number or date where there is one; text neutralised, never a formula."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write the desk's local wall time.
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if column.kind == "text" and value is not None:
        return xlsx_cell(str(value))
    return xlsx_cell(value)


def to_xlsx(report: Report[Any]) -> bytes:
    """An Excel workbook with real numbers and dates (sortable, summable)."""
    # openpyxl takes a noticeable part of start-up: load it when a report is exported.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report.title[:31]
    sheet.append(xlsx_row([report.title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row([report.subtitle]))
    sheet.append(xlsx_row(c.title for c in report.columns))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in report.rows:
        sheet.append([_xlsx_value(c, getattr(row, c.attr)) for c in report.columns])
    totals = _totals_row(report)
    if totals is not None:
        values = [_xlsx_value(c, v) for c, v in totals]
        values[0] = values[0] if values[0] is not None else "Итого"
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for note in report.notes:
        sheet.append(xlsx_row([note]))
    for index, column in enumerate(report.columns, start=1):
        letter = get_column_letter(index)
        number_format = _XLSX_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=4, min_col=index, max_col=index):
                cell.number_format = number_format
        width = max([len(column.title)] + [len(cell_text(column, getattr(r, column.attr)))
                                           for r in report.rows[:500]])  # fmt: skip
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(header: list[str], body: list[list[str]], usable: float) -> list[float]:
    """Column widths from the content (the widest cell, the longest heading word), fitted to the
    page: short columns stay narrow, long text gets the room."""
    want = []
    for index, title in enumerate(header):
        words = max((stringWidth(w, BOLD, 7.5) for w in title.split()), default=0.0)
        cells = max((stringWidth(r[index], REGULAR, 8) for r in body[:300]), default=0.0)
        want.append(min(max(words, cells), 70 * mm) + 3 * mm)
    scale = usable / sum(want)
    return [w * scale for w in want]


def to_pdf(report: Report[Any], *, footer: str = "") -> bytes:
    """A4 landscape, the heading row repeated on every page, pages numbered."""
    fonts.register_fonts()
    width, height = landscape(A4)
    margin = 12 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), initialFontName=fonts.CONDENSED)
    canvas.setTitle(report.title)
    pen = Pen(canvas)
    usable = width - 2 * margin
    header = [c.title for c in report.columns]
    body = [[cell_text(c, getattr(row, c.attr)) for c in report.columns] for row in report.rows]
    totals = _totals_row(report)
    if totals is not None:
        cells = [cell_text(c, v) for c, v in totals]
        cells[0] = cells[0] or "Итого"
        body.append(cells)
    columns = [
        PdfColumn(w, "r" if c.kind in NUMERIC else "l")
        for c, w in zip(report.columns, _widths(header, body, usable), strict=True)
    ]
    generated = f"Сформировано {date_time(report.generated_at)}" + (f". {footer}" if footer else "")
    page = 0

    def new_page() -> float:
        nonlocal page
        if page:
            canvas.showPage()
        page += 1
        pen.text(margin, 8 * mm, generated, 7)
        pen.text(width - margin, 8 * mm, f"Стр. {page}", 7, align="r")
        top = height - margin
        if page == 1:
            top = pen.para(margin, top, usable, report.title, 13, bold=True)
            top = pen.para(margin, top - 1 * mm, usable, report.subtitle, 9) - 3 * mm
        return pen.row(margin, top, columns, header, 7.5, bold=True, align="c")

    y = new_page()
    if not body:
        pen.text(margin, y - 5 * mm, "За выбранный период данных нет.", 9)
    for index, cells in enumerate(body):
        lines = max(
            len(wrap(text, col.width - 2, 8)) for col, text in zip(columns, cells, strict=True)
        )
        if y - lines * 8 * 1.18 - 2 * mm < 14 * mm:
            y = new_page()
        is_total = totals is not None and index == len(body) - 1
        y = pen.row(margin, y, columns, cells, 8, bold=is_total)
    for note in report.notes:
        if y < 22 * mm:
            y = new_page()
        y = pen.para(margin, y - 1 * mm, usable, note, 8)
    canvas.save()
    return buffer.getvalue()
