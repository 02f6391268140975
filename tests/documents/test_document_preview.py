"""The preview loads the document; printing goes through QPrinter and stays readable."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from console.services.core.database import Database
from console.services.documents import data, payment_document
from console.views.documents.preview import DocumentPreview
from console.views.printing.printer import print_document
from tests.support.factories import make_account, make_closed_month
from tests.support.pdf_tools import decode_qr, page_count, page_image, parse_gost, pdf_text

SEP = dt.date(2026, 9, 1)


@pytest.fixture
def pdf(sqlite_db: Database) -> bytes:
    documents = []
    for flat in ("1", "2"):
        account = make_account(sqlite_db, flat=flat, last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(sqlite_db, account, SEP, opening=Decimal("150.00"))
        documents.append(data.gather(sqlite_db, account.account_id, SEP))
    return payment_document.render(documents)


def _printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_shows_the_pages(qtbot: QtBot, pdf: bytes, tmp_path: Path) -> None:
    preview = DocumentPreview(pdf, "документ.pdf")
    qtbot.addWidget(preview)
    preview.resize(800, 900)
    preview.show()
    qtbot.waitExposed(preview)
    assert preview.document.pageCount() == 2
    assert preview.view.document() is preview.document

    def page_drawn() -> bool:  # QPdfView renders pages on a thread: wait for ink on screen
        image = preview.view.viewport().grab().toImage()
        return any(
            image.pixelColor(x, y).lightness() < 60
            for x in range(0, image.width(), 7)
            for y in range(0, image.height() // 2, 7)
        )

    qtbot.waitUntil(page_drawn, timeout=10000)
    preview.grab().save(str(tmp_path / "preview.png"))
    preview.save_to(tmp_path / "saved.pdf")
    assert (tmp_path / "saved.pdf").read_bytes() == pdf


def test_print_to_a_pdf_printer_keeps_the_text(qtbot: QtBot, pdf: bytes, tmp_path: Path) -> None:
    preview = DocumentPreview(pdf, "документ.pdf")
    qtbot.addWidget(preview)
    out = tmp_path / "printed.pdf"
    assert preview.print_to(_printer(out)) == 2
    text = pdf_text(out.read_bytes())
    assert "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ за Сентябрь 2026 г." in text and "Кассир" in text


def test_printed_pages_are_a4_one_to_one_and_the_qr_still_reads(
    qtbot: QtBot, pdf: bytes, tmp_path: Path
) -> None:
    preview = DocumentPreview(pdf, "документ.pdf")
    qtbot.addWidget(preview)
    out = tmp_path / "raster.pdf"
    printer = _printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)  # a range: pages go through the painter
    printer.setFromTo(2, 2)
    assert print_document(preview.document, printer, pdf) == 1
    printed = out.read_bytes()
    assert page_count(printed) == 1
    info = subprocess.run(["pdfinfo", "-"], input=printed, capture_output=True, check=True)
    assert "595.276 x 841.89" in info.stdout.decode() or "595 x 842" in info.stdout.decode()
    (qr,) = decode_qr(page_image(printed, dpi=150))
    original = decode_qr(page_image(pdf, dpi=150, page=2))
    assert [qr] == original
    assert dict(parse_gost(qr)[1])["Sum"]
