"""One print path (views/printing/printer.py): the configured printer or the dialog, every page
1:1; where the printer is not a CUPS queue that takes PDF, each page an opaque 1-bit grayscale
image — never the black page a soft mask gives. The real CUPS queue: test_print_path.py."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from console.services.documents.fonts import REGULAR, register_fonts
from console.settings import Settings
from console.views.printing import printer as printing
from tests.support.pdf_tools import page_count, page_image, page_sizes, pdf_text

ROOT = Path(__file__).resolve().parents[2]
PAGES = ((A4, "Страница первая"), (A4, "Страница вторая"), (landscape(A4), "Отчёт альбомный"))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    """Three pages, the last one landscape, with Cyrillic text and a black box on each."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out)
    for size, text in PAGES:
        canvas.setPageSize(size)
        canvas.setFont(REGULAR, 28)
        canvas.drawString(72, size[1] - 120, text)
        canvas.rect(72, 72, 144, 144, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _never(*args: object) -> bool:
    raise AssertionError("the print dialog was shown although a printer is configured")


def test_the_configured_printer_gets_every_page_without_the_dialog(
    qtbot: QtBot, pdf: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "printed.pdf"
    asked: list[str] = []

    def factory(name: str) -> QPrinter:
        asked.append(name)
        return _pdf_printer(out)

    parent = QWidget()
    qtbot.addWidget(parent)
    settings = Settings(printer_name="Касса-2 HP LaserJet")
    assert printing.print_pdf(
        parent, pdf, settings, "Талон 7", printer_factory=factory, choose=_never
    )
    assert asked == ["Касса-2 HP LaserJet"]
    printed = out.read_bytes()
    assert page_count(printed) == 3
    assert page_sizes(printed) == page_sizes(pdf) == [(595, 842), (595, 842), (842, 595)]
    for number in (1, 2, 3):
        image = page_image(printed, dpi=50, page=number)
        histogram = image.histogram()
        pixels = image.width * image.height
        white = sum(histogram[200:]) / pixels
        dark = sum(histogram[:80]) / pixels
        assert white > 0.8, f"page {number} is mostly dark: the black-page bug"
        assert dark > 0.01, f"page {number} is blank"
        assert page_image(pdf, dpi=50, page=number).size == image.size
    # The pages went out as opaque images: no soft mask (the drivers' black page).
    for page in PdfReader(io.BytesIO(printed)).pages:
        images = [
            obj.get_object()
            for obj in page["/Resources"]["/XObject"].values()
            if obj.get_object()["/Subtype"] == "/Image"
        ]
        assert images
        assert all("/SMask" not in image_object for image_object in images)


def test_without_a_configured_printer_the_dialog_chooses(
    qtbot: QtBot, pdf: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "chosen.pdf"
    shown: list[tuple[str, int]] = []

    def choose(parent: QWidget | None, printer: QPrinter, title: str, pages: int) -> bool:
        shown.append((title, pages))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # «Печать в файл»
        printer.setOutputFileName(str(out))
        return True

    def factory(name: str) -> QPrinter:
        raise AssertionError("no printer is configured")

    assert printing.print_pdf(
        None, pdf, Settings(printer_name=""), "Анкета", printer_factory=factory, choose=choose
    )
    assert shown == [("Анкета", 3)]
    assert out.read_bytes() == pdf  # a PDF file chosen in the dialog gets the original bytes
    assert "Отчёт альбомный" in pdf_text(out.read_bytes())


def test_a_cancelled_dialog_prints_nothing(qtbot: QtBot, pdf: bytes, tmp_path: Path) -> None:
    assert not printing.print_pdf(None, pdf, None, "Ответ", choose=lambda *args: False)


def test_a_configured_printer_that_is_not_installed_falls_back_to_the_dialog(
    qtbot: QtBot, pdf: bytes, tmp_path: Path
) -> None:
    shown: list[int] = []

    def choose(parent: QWidget | None, printer: QPrinter, title: str, pages: int) -> bool:
        shown.append(pages)
        return False

    name = f"Нет такого принтера {uuid.uuid4().hex}"
    assert not printing.print_pdf(None, pdf, Settings(printer_name=name), "Т", choose=choose)
    assert shown == [3]


def test_a_page_range_chosen_in_the_dialog_prints_those_pages(
    qtbot: QtBot, pdf: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "range.pdf"

    def choose(parent: QWidget | None, printer: QPrinter, title: str, pages: int) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return True

    assert printing.print_pdf(None, pdf, None, "Отчёт", choose=choose)
    printed = out.read_bytes()
    assert page_sizes(printed) == [(595, 842), (842, 595)]


def test_a_page_image_is_opaque_grayscale_on_white(qtbot: QtBot, pdf: bytes) -> None:
    document, buffer = printing.load_pdf(pdf)
    try:
        image = printing.page_image(document, 0, 72)
    finally:
        document.close()
        buffer.close()
    assert image.format() == QImage.Format.Format_Grayscale8
    assert not image.hasAlphaChannel()
    assert (image.width(), image.height()) == (595, 842)
    assert image.pixelColor(2, 2).lightness() == 255  # paper, not transparent black
    assert image.pixelColor(144, 842 - 144).lightness() < 20  # the black box


def test_every_window_prints_through_the_one_path() -> None:
    """No other module under console/ opens a print dialog or paints pages on a printer."""
    offenders = []
    printing = ROOT / "console" / "views" / "printing"
    for path in sorted((ROOT / "console").rglob("*.py")):
        if path in (printing / "printer.py", printing / "cups.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if "QPrintDialog" in text or ".newPage(" in text or "QPainter(printer" in text:
            offenders.append(str(path.relative_to(ROOT)))
        # Nothing else gives a job to the print system (CUPS, lp/lpr, Windows' shell).
        if re.search(
            r"cupsPrintFile|\bcups\.submit|[\"'](lp|lpr)[\"']|ShellExecute|\.printto", text
        ):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\.print_\(\s*printer", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_cups_job_prints_one_to_one_with_the_copies_sides_and_pages() -> None:
    assert printing.job_options() == {
        "print-scaling": "none", "fit-to-page": "false", "scaling": "100", "copies": "1",
        "sides": "one-sided",
    }  # fmt: skip
    options = printing.job_options(copies=3, duplex=True, pages=(2, 5))
    assert options["copies"] == "3" and options["sides"] == "two-sided-long-edge"
    assert options["page-ranges"] == "2-5" and options["print-scaling"] == "none"
    assert options["multiple-document-handling"] == "separate-documents-collated-copies"
    assert printing.job_options(sides="two-sided-short-edge")["sides"] == "two-sided-short-edge"
    assert "sides" not in printing.job_options(sides="")  # the printer's own default


def test_a_page_bitmap_is_opaque_black_and_white_with_the_palette_qt_writes_as_gray(
    qtbot: QtBot, pdf: bytes
) -> None:
    document, buffer = printing.load_pdf(pdf)
    try:
        bitmap = printing.page_bitmap(document, 0, 72)
    finally:
        document.close()
        buffer.close()
    assert bitmap.format() == QImage.Format.Format_Mono and not bitmap.hasAlphaChannel()
    assert bitmap.colorTable() == printing.BLACK_WHITE
    assert (bitmap.width(), bitmap.height()) == (595, 842)
    assert bitmap.pixelColor(2, 2).lightness() == 255  # paper
    assert bitmap.pixelColor(144, 842 - 144).lightness() == 0  # the black box


def test_tones_survive_the_one_bit_page_as_dots(qtbot: QtBot) -> None:
    """A chart's coloured or light grey bars are dithered, not dropped by a threshold."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for index, grey in enumerate((0.85, 0.5)):
        canvas.setFillGray(grey)
        canvas.rect(72 + index * 200, 400, 144, 144, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    document, buffer = printing.load_pdf(out.getvalue())
    try:
        bitmap = printing.page_bitmap(document, 0, 144)
    finally:
        document.close()
        buffer.close()
    for index, grey in enumerate((0.85, 0.5)):
        left, top = (72 + index * 200) * 2, (842 - 400 - 144) * 2
        dark = sum(
            bitmap.pixelColor(left + x, top + y).lightness() == 0
            for x in range(10, 280, 3)
            for y in range(10, 280, 3)
        ) / (90 * 90)
        assert abs(dark - (1 - grey)) < 0.08, f"grey {grey}: {dark:.2f} of the dots are black"
