"""Printing a service-made PDF (slip, letter) on a Qt printer, page by page."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

MAX_DPI = 300  # a page image at 1200 dpi would take half a gigabyte


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render each page of ``pdf`` onto ``printer``; returns the number of pages printed."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)
    pages = doc.pageCount()
    if pages <= 0:
        return 0
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter(printer)
    try:
        for page in range(pages):
            if page:
                printer.newPage()
            points = doc.pagePointSize(page)
            image = doc.render(
                page, QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            )
            area = painter.viewport()
            scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.topLeft(), scaled), image)
    finally:
        painter.end()
        doc.close()
    return pages


def ask_and_print(parent: QWidget, pdf: bytes, title: str) -> bool:
    """The system print dialog, then the document; False if the clerk cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return print_pdf(pdf, printer) > 0
