"""Drawing text blocks and ruled tables straight on a reportlab canvas (fast: no platypus)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from console.services.documents import fonts

mm = 72 / 25.4  # points in a millimetre
REGULAR = fonts.CONDENSED
BOLD = fonts.CONDENSED_BOLD
PAD = 0.8 * mm  # inner padding of a table cell
_FORM_BOX = 2000.0  # generous bounding box of a form: it is placed anywhere on the page


@dataclass(frozen=True)
class Column:
    """A table column: width in points and alignment of its data cells ("l", "c", "r")."""

    width: float
    align: str = "c"


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Split ``text`` into lines that fit ``width`` (explicit newlines kept)."""
    font = BOLD if bold else REGULAR
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return [text]  # the usual case, without splitting into words
    lines: list[str] = []
    for part in text.split("\n"):
        lines.extend(simpleSplit(part, font, size, width) or [""])
    return lines


def fit(lines: Sequence[str], width: float, size: float, bold: bool = False) -> float:
    """The font size at which the widest of ``lines`` fits ``width`` (never larger than size)."""
    font = BOLD if bold else REGULAR
    widest = max((stringWidth(line, font, size) for line in lines), default=0.0)
    return size if widest <= width else size * width / widest


class NullCanvas:
    """A canvas that draws nothing: a Pen over it only measures (a cheap dry run of a page)."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        def nothing(*_args: object, **_kwargs: object) -> None:
            return None

        return nothing


class Pen:
    """A canvas with the few drawing moves the documents need; y grows upwards, as in PDF."""

    def __init__(self, canvas: Canvas | NullCanvas) -> None:
        self.c = canvas
        self._forms: dict[Hashable, tuple[str, float]] = {}
        #: Drawings made ahead (a batch's QR codes, by another process), by their key.
        self.prepared: dict[str, Any] = {}

    @property
    def dry(self) -> bool:
        """True when nothing is drawn, only measured."""
        return isinstance(self.c, NullCanvas)

    def stamp(self, key: Hashable, x: float, top: float, draw: Callable[[Pen], float]) -> float:
        """Draw a block that repeats on many pages once, as a PDF form, and place it here.

        ``draw(pen)`` draws the block with its top-left corner at (0, 0) and returns its bottom
        (a negative y). A batch of a thousand bills then carries each supplier's requisites,
        table headers and footnotes once instead of a thousand times, and draws several times
        faster. Returns the bottom of the placed block.
        """
        entry = self._forms.get(key)
        if entry is None:
            name = f"F{len(self._forms)}"
            b = _FORM_BOX
            self.c.beginForm(name, lowerx=-b, lowery=-b, upperx=b, uppery=b)
            height = -draw(self)
            self.c.endForm()
            entry = self._forms[key] = (name, height)
        name, height = entry
        self.c.saveState()
        self.c.translate(x, top)
        self.c.doForm(name)
        self.c.restoreState()
        return top - height

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 8,
        *,
        bold: bool = False,
        align: str = "l",
    ) -> float:
        """One line with its baseline at ``y``; returns its width."""
        font = BOLD if bold else REGULAR
        self.c.setFont(font, size)
        width: float = stringWidth(text, font, size)
        if align == "r":
            x -= width
        elif align == "c":
            x -= width / 2
        self.c.drawString(x, y, text)
        return width

    def para(
        self,
        x: float,
        top: float,
        width: float,
        text: str,
        size: float = 8,
        *,
        bold: bool = False,
        leading: float | None = None,
        align: str = "l",
    ) -> float:
        """A wrapped paragraph whose first line's top is ``top``; returns the y below it."""
        leading = leading or size * 1.2
        y = top
        anchor = x + width if align == "r" else x + width / 2 if align == "c" else x
        for line in wrap(text, width, size, bold):
            y -= leading
            self.text(anchor, y + size * 0.22, line, size, bold=bold, align=align)
        return y

    def table(
        self,
        x: float,
        top: float,
        columns: Sequence[Column],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 7,
        header_size: float = 6.5,
        min_row: float = 0,
        bold_rows: frozenset[int] = frozenset(),
    ) -> float:
        """A ruled table; a row whose single cell is non-empty spans all columns."""
        y = top
        if header:
            y = self.row(x, y, columns, header, header_size, bold=True, align="c")
        for index, row in enumerate(rows):
            y = self.row(x, y, columns, row, size, bold=index in bold_rows, min_height=min_row)
        return y

    def row(
        self,
        x: float,
        top: float,
        columns: Sequence[Column],
        cells: Sequence[str],
        size: float,
        *,
        bold: bool = False,
        align: str | None = None,
        min_height: float = 0,
    ) -> float:
        """One ruled row; returns its bottom y."""
        leading = size * 1.18
        total = sum(col.width for col in columns)
        if len(cells) == 1 and len(columns) > 1:  # a spanning sub-heading
            lines = [wrap(cells[0], total - 2 * PAD, size, True)]
            spans = [Column(total, "l")]
            bold = True
        else:
            spans = list(columns)
            # Figures (right-aligned columns) never wrap: "20 945,06" stays one number.
            lines = [
                [cell]
                if col.align == "r" and align is None
                else wrap(cell, col.width - 2 * PAD, size, bold)
                for col, cell in zip(columns, cells, strict=True)
            ]
        # A word longer than its column is drawn smaller rather than over the rule.
        sizes = [
            fit(ls, col.width - 2 * PAD, size, bold) for col, ls in zip(spans, lines, strict=True)
        ]  # noqa: E501
        height = max(max(len(ls) for ls in lines) * leading + 2 * PAD, min_height)
        bottom = top - height
        self.c.rect(x, bottom, total, height, stroke=1, fill=0)
        cx = x
        for col, cell_lines, cell_size in zip(spans, lines, sizes, strict=True):
            if cx > x:
                self.c.line(cx, bottom, cx, top)
            # Vertically centred block of lines.
            block = len(cell_lines) * leading
            y = bottom + (height + block) / 2 - leading + size * 0.22
            how = align or col.align
            anchor = (
                cx + PAD
                if how == "l"
                else cx + col.width - PAD
                if how == "r"
                else cx + col.width / 2
            )  # noqa: E501
            for line in cell_lines:
                if line:
                    self.text(anchor, y, line, cell_size, bold=bold, align=how)
                y -= leading
            cx += col.width
        return bottom

    def boxes(self, x: float, y: float, count: int, side: float) -> None:
        """``count`` empty squares in a row (digit boxes for a reading)."""
        for i in range(count):
            self.c.rect(x + i * side, y, side, side, stroke=1, fill=0)

    def dashed(self, x1: float, y: float, x2: float) -> None:
        self.c.saveState()
        self.c.setDash(3, 2)
        self.c.line(x1, y, x2, y)
        self.c.restoreState()


__all__ = ["BOLD", "REGULAR", "Column", "Pen", "mm", "wrap"]
