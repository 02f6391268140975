"""The one way the console prints: a PDF made by a service, page by page, on a Qt printer.

Every window that prints (the document preview, the PDF preview dialog, appeal slips and letters,
the registration form, the supervisor's summary) calls :func:`print_pdf`:

- the printer named in the settings (``printer_name``) when it is installed, without a dialog;
  otherwise the system print dialog;
- each page on paper of the PDF page's own size, 1:1, without margins;
- each page rendered by QtPdf at no more than :data:`MAX_RASTER_DPI` into an *opaque grayscale*
  image. An image with an alpha channel makes Qt send the printer a JPEG with a soft mask, which
  many drivers print as a black page; grayscale also keeps the spool small.

«Печать в файл» (PDF) of the whole document chosen in the dialog writes the original bytes:
lossless, with its text and vector QR code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

log = logging.getLogger(__name__)

#: Pages are rasterised for the printer at most at this resolution: sharp on paper, and an A4
#: page stays ~9 MB (grayscale) in memory instead of ~140 MB at a driver's 1200 dpi.
MAX_RASTER_DPI = 300

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


class PrinterUnavailable(OSError):
    """The printer refused to start a job (offline, removed, no rights)."""


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
        printer.setDocName(title)
        log.info("printing %r: %d page(s) on %r", title, pages, printer.printerName() or "PDF")
        try:
            sent = print_document(document, printer, pdf if chosen else None, on_page=on_page)
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
) -> int:
    """Send the pages of ``document`` (the printer's page range) to ``printer``; returns how
    many were sent. With ``pdf`` given, a PDF file printer receiving the whole document gets
    those bytes as they are. Raises :class:`PrinterUnavailable` if the printer refuses."""
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage(), count) - 1
    if last < first:
        return 0
    if (
        pdf is not None
        and first == 0
        and last == count - 1
        and printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
        and printer.outputFileName()
    ):
        Path(printer.outputFileName()).write_bytes(pdf)
        return count
    _fit_page(printer, document, first)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(
            "Принтер недоступен: проверьте подключение и выберите другой принтер."
        )
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


def page_image(document: QPdfDocument, index: int, dpi: int) -> QImage:
    """Page ``index`` at ``dpi`` as an opaque 8-bit grayscale image (white paper, no alpha)."""
    points = document.pagePointSize(index)
    width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
    size = QSize(max(1, width), max(1, height))
    rendered = document.render(index, size)
    paper = QImage(size, QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)  # composite any transparency onto white
    painter.end()
    return paper.convertToFormat(QImage.Format.Format_Grayscale8)


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
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    page = document.pagePointSize(index)
    scale = min(target.width() / page.width(), target.height() / page.height())
    width, height = page.width() * scale, page.height() * scale
    image = page_image(document, index, min(printer.resolution(), MAX_RASTER_DPI))
    origin = QPointF(
        target.left() + (target.width() - width) / 2, target.top() + (target.height() - height) / 2
    )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(QRectF(origin.x(), origin.y(), width, height), image)
