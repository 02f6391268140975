"""A PDF shown inside the console (QtPdf), printed through Qt's print dialog or saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

#: Pages are rasterised for the printer at most at this resolution: sharp on paper, and an A4
#: page stays ~35 MB in memory instead of ~550 MB at a driver's 1200 dpi.
MAX_RASTER_DPI = 300


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
    document: QPdfDocument,
    printer: QPrinter,
    pdf: bytes | None = None,
    *,
    on_page: Callable[[int, int], bool] | None = None,
) -> int:
    """Print ``document`` on ``printer``; returns the number of pages sent.

    «Печать в файл» (PDF) of the whole document writes the original bytes: lossless, with its
    text and vector QR code. Otherwise each page is rendered with QPdfDocument.render and drawn
    on the paper's full rectangle, scaled to fit with the aspect ratio kept and centred — an A4
    document on A4 paper prints 1:1, nothing is clipped. ``on_page(done, total)`` returning
    False cancels.
    """
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage(), count) - 1
    whole = first == 0 and last == count - 1
    if (
        pdf is not None
        and whole
        and printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
        and printer.outputFileName()
    ):
        Path(printer.outputFileName()).write_bytes(pdf)
        return count
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Принтер недоступен: проверьте подключение и выберите другой принтер.")
    sent = 0
    try:
        for index in range(first, last + 1):
            if index > first:
                printer.newPage()
            _draw_page(painter, printer, document, index)
            sent += 1
            if on_page is not None and not on_page(sent, last - first + 1):
                break
    finally:
        painter.end()
    return sent


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    page = document.pagePointSize(index)
    scale = min(target.width() / page.width(), target.height() / page.height())
    width, height = page.width() * scale, page.height() * scale
    dpi = min(printer.resolution(), MAX_RASTER_DPI)
    image = document.render(
        index, QSize(round(page.width() * dpi / 72), round(page.height() * dpi / 72))
    )
    origin = QPointF(
        target.left() + (target.width() - width) / 2, target.top() + (target.height() - height) / 2
    )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(QRectF(origin.x(), origin.y(), width, height), image)


class DocumentPreview(QWidget):
    """The document as it will be printed, with «Печать» (Ctrl+P) and «Сохранить PDF» (Ctrl+S)."""

    def __init__(self, pdf: bytes, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.document, self._buffer = load_pdf(pdf, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QToolBar(self)
        self.print_action = QAction(self.tr("Печать"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_dialog)
        self.save_action = QAction(self.tr("Сохранить PDF"), self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_dialog)
        bar.addAction(self.print_action)
        bar.addAction(self.save_action)
        self.pages_label = QLabel(self.tr("Страниц: {0}").format(self.document.pageCount()), self)
        bar.addSeparator()
        bar.addWidget(self.pages_label)
        for action in (self.print_action, self.save_action):
            self.addAction(action)
        layout.addWidget(bar)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.view, 1)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        page = self.document.pagePointSize(0)
        if page.width() > page.height():  # reports are landscape
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Печать документа"))
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print with a progress window (long batches can be cancelled)."""
        total = self.document.pageCount()
        progress = QProgressDialog(self.tr("Печать…"), self.tr("Отмена"), 0, total, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def on_page(done: int, count: int) -> bool:
            progress.setValue(done)
            QApplication.processEvents()  # repaint and let «Отмена» be pressed between pages
            return not progress.wasCanceled()

        try:
            return print_pdf(self.document, printer, self.pdf, on_page=on_page)
        except OSError as err:
            QMessageBox.warning(self, self.tr("Печать"), str(err))
            return 0
        finally:
            progress.close()

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Сохранить PDF"), self.file_name, self.tr("Документ PDF (*.pdf)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            path.write_bytes(self.pdf)
        except OSError as err:
            QMessageBox.warning(
                self,
                self.tr("Сохранить PDF"),
                self.tr("Не удалось сохранить файл: {0}").format(err),
            )


class DocumentPreviewDialog(QDialog):
    """The preview in its own window, where no workspace tab is at hand."""

    def __init__(
        self, pdf: bytes, file_name: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 1000)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = DocumentPreview(pdf, file_name, self)
        layout.addWidget(self.preview)


def show_preview(anchor: QWidget, pdf: bytes, file_name: str, title: str) -> QWidget:
    """Open the preview as a workspace tab of the main window, or in its own window."""
    window = anchor.window()
    open_tab = getattr(window, "open_tab", None)
    if callable(open_tab):
        preview = DocumentPreview(pdf, file_name)
        widget: QWidget = open_tab(preview, title, None)
        preview.view.setFocus()
        return widget
    dialog = DocumentPreviewDialog(pdf, file_name, title, anchor)
    dialog.show()
    return dialog
