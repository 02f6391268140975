"""A batch of payment documents through the one print path to real printers.

- a private CUPS (tests/support/cups.py) with a PDF printer: the queue takes PDF, so the job is
  the PDF itself — vector, A4, the QR code where the document puts it, a few KB a page; copies,
  page range and duplex reach the printer; nothing is shrunk to fit;
- the same CUPS with a queue that does not take PDF, and Qt's own PDF printer: the lean raster —
  opaque 1-bit grayscale pages (no soft mask), 1:1, the QR code where it was and readable by ZBar.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from console.settings import Settings
from console.views.printing import cups
from console.views.printing import printer as printing
from tests.support.cups import Cupsd, require_cupsd, start_cupsd
from tests.support.pdf_tools import page_count, pdf_text
from tests.support.print_batch import (
    batch_pdf,
    page_pictures,
    page_qr_boxes,
    page_sizes,
    pdf_images,
    zbar_texts,
)

PAGES = 6
A4 = (595, 842)
#: The PDF itself: a page of the batch is ~16 KB.
PDF_PAGE_BUDGET = 60_000
#: The raster at 300 dpi, 1 bit: ~70 KB a dense payment document page (ZBar-readable QR);
#: the 8-bit page Qt sent before was ~1.4 MB.
RASTER_PAGE_BUDGET = 100_000
#: 1:1 — the QR code's box may move by at most this many pixels at 150 dpi (0.5 mm).
QR_TOLERANCE_PX = 3


@pytest.fixture(scope="module")
def batch() -> bytes:
    return batch_pdf(PAGES)


@pytest.fixture(scope="module")
def cupsd() -> Iterator[Cupsd]:
    require_cupsd()
    server = start_cupsd()
    cups.use_server(str(server.socket))
    try:
        yield server
    finally:
        cups.use_server(None)
        server.stop()


def _never(*args: object) -> bool:
    raise AssertionError("the print dialog was shown although a printer is configured")


def _same_qr_places(source: bytes, printed: bytes, pages: dict[int, int]) -> None:
    """QR codes of each printed page (key) where they are on its source page (value)."""
    for number, source_page in pages.items():
        expected = page_qr_boxes(source, source_page)
        got = page_qr_boxes(printed, number)
        assert expected, f"no QR code on page {number} of the source"
        assert [text for text, _ in got] == [text for text, _ in expected], f"page {number}"
        for (_, want), (_, box) in zip(expected, got, strict=True):
            assert all(abs(a - b) <= QR_TOLERANCE_PX for a, b in zip(want, box, strict=True)), (
                f"page {number}: the QR code moved from {want} to {box} (not 1:1)"
            )
        assert (
            zbar_texts(printed, number)
            == zbar_texts(source, source_page)
            == sorted(text for text, _ in expected)
        )


def test_a_queue_that_takes_pdf_gets_the_pdf_itself_one_to_one(
    qtbot: QtBot, cupsd: Cupsd, batch: bytes
) -> None:
    assert cups.available() and cups.accepts_pdf("PDF")
    cupsd.clear("PDF")
    assert printing.print_pdf(None, batch, Settings(printer_name="PDF"), "Пакет", choose=_never)
    printed = cupsd.printed_pdf("PDF")
    assert page_count(printed) == PAGES
    assert page_sizes(printed) == [A4] * PAGES
    # The PDF itself: text as text, QR codes as the 1-bit stencils the document draws them with,
    # no picture of a page.
    assert page_pictures(printed) == []
    assert "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ" in pdf_text(printed, page=PAGES)
    assert len(printed) / PAGES <= PDF_PAGE_BUDGET
    _same_qr_places(batch, printed, {1: 1, 2: 2, PAGES: PAGES})
    head = cupsd.wait_done("PDF")[:600]
    assert b"DUPLEX=OFF" in head and b"PAPER=A4" in head


def test_duplex_from_the_settings_reaches_the_printer(
    qtbot: QtBot, cupsd: Cupsd, batch: bytes
) -> None:
    cupsd.clear("PDF")
    settings = Settings(printer_name="PDF", printer_duplex=True)
    assert printing.print_pdf(None, batch, settings, "Пакет", choose=_never)
    assert b"DUPLEX=ON" in cupsd.wait_done("PDF")[:600]


def test_copies_pages_and_sides_chosen_in_the_dialog_reach_the_printer(
    qtbot: QtBot, cupsd: Cupsd, batch: bytes
) -> None:
    cupsd.clear("PDF")

    def choose(parent: QWidget | None, printer: QPrinter, title: str, pages: int) -> bool:
        printer.setPrinterName("PDF")
        printer.setCopyCount(2)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        printer.setDuplex(QPrinter.DuplexMode.DuplexShortSide)
        return True

    assert printing.print_pdf(None, batch, Settings(), "Пакет", choose=choose)
    printed = cupsd.printed_pdf("PDF")
    assert page_sizes(printed) == [A4] * 4  # pages 2 and 3, twice
    assert page_pictures(printed) == []
    _same_qr_places(batch, printed, {1: 2, 2: 3, 3: 2, 4: 3})
    head = cupsd.wait_done("PDF")[:600]
    assert b"DUPLEX=ON" in head and b"BINDING=SHORTEDGE" in head


def test_a_queue_that_does_not_take_pdf_gets_lean_opaque_grayscale_pages(
    qtbot: QtBot, cupsd: Cupsd, batch: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through Qt's own CUPS printing to the real queue, as if it did not take PDF: CUPS'
    pdftopdf passes Qt's page images on to the printer as they are."""
    monkeypatch.setattr(cups, "accepts_pdf", lambda queue: False)
    cupsd.clear("PDF")
    assert printing.print_pdf(None, batch, Settings(printer_name="PDF"), "Пакет", choose=_never)
    _check_raster(batch, cupsd.printed_pdf("PDF"))


def test_qt_pdf_printer_gets_lean_opaque_grayscale_pages_one_to_one(
    qtbot: QtBot, batch: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "printed.pdf"

    def factory(name: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    settings = Settings(printer_name="Касса-2 HP LaserJet")
    assert printing.print_pdf(
        None, batch, settings, "Пакет", printer_factory=factory, choose=_never
    )
    _check_raster(batch, out.read_bytes())


def _check_raster(source: bytes, printed: bytes) -> None:
    assert page_sizes(printed) == [A4] * PAGES
    images = pdf_images(printed)
    assert [image.page for image in images] == list(range(1, PAGES + 1))  # one image a page
    for image in images:
        assert image.kind == "image", "a soft mask: drivers that ignore masks print black pages"
        assert (image.color, image.bpc) == ("gray", 1)  # opaque 1-bit DeviceGray
        assert (image.width, image.height) == (2480, 3508)  # 300 dpi, the whole A4 page
    assert len(printed) / PAGES <= RASTER_PAGE_BUDGET
    _same_qr_places(source, printed, {1: 1, 2: 2, PAGES: PAGES})


def test_zbar_is_installed() -> None:
    """The QR checks above read with ZBar: without it they would prove nothing."""
    assert shutil.which("zbarimg"), "zbarimg not found (apt-get install zbar-tools)"
