"""Simple line-by-line printouts (receipts, day closings) on A4 or a receipt-printer strip."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from console.services.documents import fonts


@dataclass(frozen=True)
class Line:
    """One line: text on the left, an optional amount on the right, or a rule."""

    left: str
    right: str = ""
    bold: bool = False
    center: bool = False
    small: bool = False
    is_rule: bool = False

    @classmethod
    def rule(cls) -> Line:
        return cls("", is_rule=True)


@dataclass(frozen=True)
class _Geometry:
    page_width: float
    margin: float
    size: float
    fixed_height: float | None  # A4 pages; None = a strip as long as the text

    @property
    def text_width(self) -> float:
        return self.page_width - 2 * self.margin


def _geometry(width_mm: int) -> _Geometry:
    if width_mm <= 0:
        return _Geometry(A4[0], 20 * mm, 10.0, A4[1])
    return _Geometry(width_mm * mm, 3 * mm, 7.5 if width_mm < 70 else 8.0, None)


def _font(line: Line, narrow: bool) -> str:
    # A receipt strip is narrow: condensed letters fit more of an address on a line.
    if narrow:
        return fonts.CONDENSED_BOLD if line.bold else fonts.CONDENSED
    return fonts.BOLD if line.bold else fonts.REGULAR


def _layout(lines: list[Line], geo: _Geometry) -> list[tuple[str, float, str, str, bool]]:
    """Wrapped rows: (font, size, left text, right text, centred); a rule is ("", 0, …)."""
    narrow = geo.fixed_height is None
    rows: list[tuple[str, float, str, str, bool]] = []
    for line in lines:
        if line.is_rule:
            rows.append(("", 0.0, "", "", False))
            continue
        font = _font(line, narrow)
        size = geo.size - (1.5 if line.small else 0.0)
        right_w = stringWidth(line.right, font, size) + 2 * mm if line.right else 0.0
        wrapped = simpleSplit(line.left, font, size, geo.text_width - right_w) or [""]
        for index, piece in enumerate(wrapped):
            right = line.right if index == len(wrapped) - 1 else ""
            rows.append((font, size, piece, right, line.center))
    return rows


def render_lines(lines: list[Line], *, width_mm: int = 0, title: str = "") -> bytes:
    """A PDF of ``lines``; identical input gives identical bytes (reportlab invariant mode)."""
    fonts.register_fonts()
    geo = _geometry(width_mm)
    rows = _layout(lines, geo)
    leading = geo.size * 1.35
    rule_gap = geo.size * 0.8
    content = sum(rule_gap if not font else leading for font, *_ in rows)
    height = geo.fixed_height or content + 2 * geo.margin
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(geo.page_width, height), invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Операторский пульт клиентского зала")
    y = height - geo.margin
    for font, size, left, right, centred in rows:
        step = rule_gap if not font else leading
        if y - step < geo.margin and geo.fixed_height is not None:
            canvas.showPage()
            y = height - geo.margin
        if not font:
            canvas.setLineWidth(0.5)
            canvas.setDash(2, 2)
            mid = y - rule_gap / 2
            canvas.line(geo.margin, mid, geo.page_width - geo.margin, mid)
            canvas.setDash()
            y -= rule_gap
            continue
        y -= leading
        canvas.setFont(font, size)
        if centred:
            canvas.drawCentredString(geo.page_width / 2, y + leading * 0.25, left)
        else:
            canvas.drawString(geo.margin, y + leading * 0.25, left)
        if right:
            canvas.drawRightString(geo.page_width - geo.margin, y + leading * 0.25, right)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
