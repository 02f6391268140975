"""A PDF shown inside the console (QtPdf), printed (views/common/printing.py) or saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
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

from console.views.common.screen import fit_to_screen
from console.views.printing.printer import (
    OnPage,
    PrinterSettings,
    PrinterUnavailable,
    load_pdf,
    print_document,
    print_pdf,
)


class DocumentPreview(QWidget):
    """The document as it will be printed, with «Печать» (Ctrl+P) and «Сохранить PDF» (Ctrl+S)."""

    def __init__(
        self,
        pdf: bytes,
        file_name: str,
        parent: QWidget | None = None,
        settings: PrinterSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.settings = settings  # its printer_name prints without the dialog
        self.document, self._buffer = load_pdf(pdf, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QToolBar(self)
        self.print_action = QAction("Печать", self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_dialog)
        self.save_action = QAction("Сохранить PDF", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_dialog)
        bar.addAction(self.print_action)
        bar.addAction(self.save_action)
        self.pages_label = QLabel("Страниц: {0}".format(self.document.pageCount()), self)
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

    def print_dialog(self) -> bool:
        """The configured printer (or the print dialog), with a progress window."""
        with self._progress() as on_page:
            return print_pdf(self, self.pdf, self.settings, self.file_name, on_page=on_page)

    def print_to(self, printer: QPrinter) -> int:
        """Print on ``printer`` as chosen (page range, file) with a progress window."""
        with self._progress() as on_page:
            try:
                return print_document(self.document, printer, self.pdf, on_page=on_page)
            except PrinterUnavailable as err:
                QMessageBox.warning(self, "Печать", str(err))
                return 0

    @contextmanager
    def _progress(self) -> Iterator[OnPage]:
        """An ``on_page`` that shows «Печать…» (long batches can be cancelled)."""
        progress: QProgressDialog | None = None

        def on_page(done: int, count: int) -> bool:
            nonlocal progress
            if progress is None:
                progress = QProgressDialog("Печать…", "Отмена", 0, count, self)
                progress.setWindowModality(Qt.WindowModality.WindowModal)
                progress.setMinimumDuration(500)
            progress.setValue(done)
            QApplication.processEvents()  # repaint and let «Отмена» be pressed between pages
            return not progress.wasCanceled()

        try:
            yield on_page
        finally:
            if progress is not None:
                progress.close()

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Сохранить PDF", self.file_name, "Документ PDF (*.pdf)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            path.write_bytes(self.pdf)
        except OSError as err:
            QMessageBox.warning(
                self,
                "Сохранить PDF",
                "Не удалось сохранить файл: {0}".format(err),
            )


class DocumentPreviewDialog(QDialog):
    """The preview in its own window, where no workspace tab is at hand."""

    def __init__(
        self,
        pdf: bytes,
        file_name: str,
        title: str,
        parent: QWidget | None = None,
        settings: PrinterSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, 900, 1000)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = DocumentPreview(pdf, file_name, self, settings)
        layout.addWidget(self.preview)


def show_preview(
    anchor: QWidget,
    pdf: bytes,
    file_name: str,
    title: str,
    settings: PrinterSettings | None = None,
) -> QWidget:
    """Open the preview as a workspace tab of the main window, or in its own window."""
    window = anchor.window()
    open_tab = getattr(window, "open_tab", None)
    if callable(open_tab):
        preview = DocumentPreview(pdf, file_name, settings=settings)
        widget: QWidget = open_tab(preview, title, None)
        preview.view.setFocus()
        return widget
    dialog = DocumentPreviewDialog(pdf, file_name, title, anchor, settings)
    dialog.show()
    return dialog
