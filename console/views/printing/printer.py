"""The one way the console prints: a PDF made by a service, sent to the printer 1:1.

Every window that prints (the document preview, the PDF preview dialog, appeal slips and letters,
the registration form, the supervisor's summary, batches) calls :func:`print_pdf`:

- the printer named in the settings (``printer_name``) when it is installed, without a dialog
  (on both sides of the sheet when ``printer_duplex`` is set); otherwise the system print
  dialog (printer, copies, pages, duplex);
- **the PDF itself** where the print system takes PDF: a CUPS queue (Linux, macOS) whose
  formats include application/pdf gets the file as the job (:mod:`cups`), with the copies, the
  page range, the sides, and ``print-scaling=none`` so nothing is shrunk to fit — the text and
  the QR code stay vector, a page is a few KB;
- elsewhere (Windows' GDI, a queue that does not take PDF) a **lean raster**: each page on paper
  of the PDF page's own size, drawn at its own size (1:1) from an opaque 1-bit grayscale image
  rendered at the printer's resolution capped at :data:`MAX_RASTER_DPI`: text and lines are
  rendered without smoothing and tones are dithered, so nothing is lost to the threshold. Qt
  writes such an image as a plain DeviceGray bitmap (no soft mask, which drivers that ignore
  masks print as a black page; ~70 KB an A4 payment document in Qt's PDF, against ~1.4 MB as
  an 8-bit image, which Qt turns into an RGB JPEG).

«Печать в файл» (PDF) of the whole document chosen in the dialog writes the original bytes.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, qRgb
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from console.views.printing import cups

log = logging.getLogger(__name__)

#: Pages are rasterised for the printer at most at this resolution: sharp on paper, and an A4
#: page stays ~9 MB (grayscale) in memory instead of ~140 MB at a driver's 1200 dpi.
MAX_RASTER_DPI = 300

#: The palette Qt's PDF engine needs to write a 1-bit image as an opaque DeviceGray bitmap.
BLACK_WHITE = [qRgb(0, 0, 0), qRgb(255, 255, 255)]

#: The dialog's duplex choice as CUPS' ``sides`` ("" : the printer's own default).
SIDES = {
    QPrinter.DuplexMode.DuplexNone: "one-sided",
    QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
    QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
    QPrinter.DuplexMode.DuplexAuto: "",
}

#: Returns ``False`` to stop after the page just sent: ``on_page(done, total)``.
OnPage = Callable[[int, int], bool]
#: The printer called ``name`` (high resolution), or ``None`` when no such printer is installed.
PrinterFactory = Callable[[str], "QPrinter | None"]
#: Shows the print dialog for ``printer``; ``True`` when the clerk pressed «Печать».
ChoosePrinter = Callable[[QWidget | None, QPrinter, str, int], bool]


class PrinterSettings(Protocol):
    """What printing needs of the settings (console.settings.Settings has it)."""

    @property
    def printer_name(self) -> str: ...

    @property
    def printer_duplex(self) -> bool: ...


class PrinterUnavailable(OSError):
    """The printer refused to start a job (offline, removed, no rights)."""


UNAVAILABLE = "Принтер недоступен: проверьте подключение и выберите другой принтер."


def installed_printer(name: str) -> QPrinter | None:
    """A high-resolution QPrinter on the installed printer ``name``; None if there is none."""
    info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def ask_printer(parent: QWidget | None, printer: QPrinter, title: str, pages: int) -> bool:
    """The system print dialog (printer, copies, page range)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, max(pages, 1))
    return dialog.exec() == QDialog.DialogCode.Accepted


def load_pdf(pdf: bytes, parent: QWidget | None = None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over the bytes; keep the returned buffer alive as long as the document."""
    document = QPdfDocument()
    buffer = QBuffer()
    if parent is not None:  # owned by the widget: freed with it
        document.setParent(parent)
        buffer.setParent(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document, buffer


def print_pdf(
    parent: QWidget | None,
    pdf: bytes,
    settings: PrinterSettings | None,
    title: str,
    *,
    on_page: OnPage | None = None,
    printer_factory: PrinterFactory = installed_printer,
    choose: ChoosePrinter = ask_printer,
) -> bool:
    """Print ``pdf`` (see the module's docstring); ``False`` if cancelled or nothing was printed.

    A printer that refuses the job is reported to the clerk in a message box and logged.
    ``printer_factory`` and ``choose`` are seams for the tests.
    """
    document, buffer = load_pdf(pdf)
    try:
        pages = document.pageCount()
        if pages <= 0:
            log.warning("nothing to print for %r: the PDF has no pages", title)
            return False
        name = settings.printer_name.strip() if settings is not None else ""
        duplex = bool(settings.printer_duplex) if settings is not None else False
        try:
            if name and cups.accepts_pdf(name):
                sent = spool_pdf(name, pdf, title, pages, duplex=duplex)
                if on_page is not None:
                    on_page(sent, sent)
                log.info("printed %r: %d page(s) as PDF on %r", title, sent, name)
                return sent > 0
            printer = printer_factory(name) if name else None
            chosen = printer is None
            if printer is None:
                if name:
                    log.warning("printer %r from the settings is not installed; asking", name)
                printer = QPrinter(QPrinter.PrinterMode.HighResolution)
                printer.setDocName(title)
                _fit_page(printer, document, 0)
                if not choose(parent, printer, title, pages):
                    return False
            elif duplex:
                printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
            printer.setDocName(title)
            log.info("printing %r: %d page(s) on %r", title, pages, printer.printerName() or "PDF")
            sent = print_document(document, printer, pdf, on_page=on_page, file_copy=chosen)
        except PrinterUnavailable as error:
            log.error("printing %r failed: %s", title, error)
            QMessageBox.warning(parent, title, str(error))
            return False
        log.info("printed %r: %d page(s)", title, sent)
        return sent > 0
    finally:
        document.close()
        buffer.close()


def print_document(
    document: QPdfDocument,
    printer: QPrinter,
    pdf: bytes | None = None,
    *,
    on_page: OnPage | None = None,
    file_copy: bool = True,
) -> int:
    """Send the pages of ``document`` (the printer's page range) to ``printer``; returns how
    many were sent. With ``pdf`` given, a CUPS queue that takes PDF gets those bytes as the job
    and a PDF file printer receiving the whole document (``file_copy``) gets them as they are;
    anything else gets the lean raster. Raises :class:`PrinterUnavailable` if the printer
    refuses."""
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage(), count) - 1
    if last < first:
        return 0
    whole = first == 0 and last == count - 1
    if pdf is not None:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            if file_copy and whole and printer.outputFileName():
                Path(printer.outputFileName()).write_bytes(pdf)
                return count
        elif printer.printerName() and cups.accepts_pdf(printer.printerName()):
            sent = spool_pdf(
                printer.printerName(), pdf, printer.docName(), count,
                copies=printer.copyCount(), sides=SIDES.get(printer.duplex(), ""),
                pages=None if whole else (first + 1, last + 1),
            )  # fmt: skip
            if on_page is not None:
                on_page(sent, sent)
            return sent
    return _print_raster(document, printer, first, last, on_page)


def spool_pdf(
    queue: str,
    pdf: bytes,
    title: str,
    page_count: int,
    *,
    copies: int = 1,
    duplex: bool = False,
    sides: str | None = None,
    pages: tuple[int, int] | None = None,
) -> int:
    """Give the PDF itself to the CUPS ``queue`` as one job, printed 1:1; returns the pages sent.

    ``sides`` (IPP, e.g. "two-sided-short-edge"; "" for the queue's default) overrides
    ``duplex``; ``pages`` (1-based, inclusive) limits the job to those pages. Raises
    :class:`PrinterUnavailable` when CUPS refuses the job."""
    options = job_options(copies=copies, duplex=duplex, sides=sides, pages=pages)
    handle, name = tempfile.mkstemp(prefix="console-print-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(pdf)
        job = cups.submit(queue, Path(name), title or "Документ", options)
    except cups.CupsError as error:
        log.error("CUPS refused the job on %r: %s", queue, error)
        raise PrinterUnavailable(UNAVAILABLE) from error
    finally:
        Path(name).unlink(missing_ok=True)
    sent = pages[1] - pages[0] + 1 if pages is not None else page_count
    log.info("CUPS job %d on %r: %d page(s) as PDF, %s", job, queue, sent, options)
    return sent


def job_options(
    *,
    copies: int = 1,
    duplex: bool = False,
    sides: str | None = None,
    pages: tuple[int, int] | None = None,
) -> dict[str, str]:
    """The CUPS job options of a 1:1 print: no fit-to-page, no scaling, the sides and copies."""
    options = {
        "print-scaling": "none",
        "fit-to-page": "false",
        "scaling": "100",
        "copies": str(max(1, copies)),
    }
    if sides is None:
        sides = "two-sided-long-edge" if duplex else "one-sided"
    if sides:
        options["sides"] = sides
    if copies > 1:
        options["multiple-document-handling"] = "separate-documents-collated-copies"
    if pages is not None:
        options["page-ranges"] = f"{pages[0]}-{pages[1]}"
    return options


def _print_raster(
    document: QPdfDocument, printer: QPrinter, first: int, last: int, on_page: OnPage | None
) -> int:
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    _fit_page(printer, document, first)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(UNAVAILABLE)
    sent = 0
    try:
        for index in range(first, last + 1):
            if index > first:
                _fit_page(printer, document, index)
                printer.newPage()
            _draw_page(painter, printer, document, index)
            sent += 1
            if on_page is not None and not on_page(sent, last - first + 1):
                break
    finally:
        painter.end()
    return sent


def page_image(document: QPdfDocument, index: int, dpi: int, *, crisp: bool = False) -> QImage:
    """Page ``index`` at ``dpi`` as an opaque 8-bit grayscale image (white paper, no alpha).

    ``crisp`` renders text and lines without smoothing (for a 1-bit printer image)."""
    points = document.pagePointSize(index)
    width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
    size = QSize(max(1, width), max(1, height))
    options = QPdfDocumentRenderOptions()
    if crisp:
        flags = QPdfDocumentRenderOptions.RenderFlag
        options.setRenderFlags(flags.TextAliased | flags.PathAliased)
    rendered = document.render(index, size, options)
    paper = QImage(size, QImage.Format.Format_Grayscale8)
    paper.fill(255)
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)  # composite any transparency onto white
    painter.end()
    return paper


def page_bitmap(document: QPdfDocument, index: int, dpi: int) -> QImage:
    """Page ``index`` at ``dpi`` as an opaque 1-bit image: black text and lines, tones dithered.

    Its palette is exactly black (0), white (1): Qt's PDF engine then writes it as a DeviceGray
    bitmap; any other palette becomes an 8-bit RGB image (20 times the size)."""
    gray = page_image(document, index, dpi, crisp=True)
    conversion = Qt.ImageConversionFlag
    bitmap = gray.convertToFormat(
        QImage.Format.Format_Mono, conversion.MonoOnly | conversion.OrderedDither
    )
    if bitmap.colorTable() != BLACK_WHITE:
        if bitmap.colorTable() == list(reversed(BLACK_WHITE)):
            bitmap.invertPixels()
        else:  # any other palette: by the brightness of each entry
            bitmap = gray.convertToFormat(
                QImage.Format.Format_Mono, BLACK_WHITE, conversion.ThresholdDither
            )
        bitmap.setColorTable(BLACK_WHITE)
    return bitmap


def _fit_page(printer: QPrinter, document: QPdfDocument, index: int) -> None:
    """Paper of the page's own size and orientation, without margins: the page prints 1:1."""
    points = document.pagePointSize(index)
    if points.isEmpty():
        return
    landscape = points.width() > points.height()
    size = QPageSize(
        points.transposed() if landscape else points,
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,
    )
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    )


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    """The page at its own size from the paper's corner: 1:1, never scaled to fit."""
    resolution = printer.resolution()
    paper = printer.pageLayout().fullRectPixels(resolution)
    page: QSizeF = document.pagePointSize(index)
    image = page_bitmap(document, index, min(resolution, MAX_RASTER_DPI))
    target = QRectF(
        paper.left(), paper.top(), page.width() * resolution / 72, page.height() * resolution / 72
    )
    painter.drawImage(target, image)
