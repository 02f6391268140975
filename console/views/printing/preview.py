"""A PDF preview with «Печать» and «Сохранить»: receipts, refund papers, the day's closing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.screen import fit_to_screen
from console.views.common.tasks import message_for
from console.views.printing.printer import print_pdf


class PdfPreviewDialog(QDialog):
    """Loads the PDF off the GUI thread, shows it, prints or saves the same bytes."""

    def __init__(
        self,
        ctx: ViewContext,
        title: str,
        load: Callable[[], bytes],
        filename: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filename = filename
        self.content = b""
        self.setWindowTitle(title)
        fit_to_screen(self, 720, 820)
        self.status = QLabel("Документ готовится…", self)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.print_button = QPushButton("Печать (Ctrl+P)", self)
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("Сохранить PDF…", self)
        self.save_button.clicked.connect(self.save_document)
        close = QPushButton("Закрыть", self)
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._buffer: QBuffer | None = None
        run_op(ctx, self, load, self._loaded, self._failed, key=f"pdf-preview-{id(self)}")

    def _loaded(self, content: bytes) -> None:
        self.content = content
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(content))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.status.setText("Страниц: {0}".format(self.document.pageCount()))
        for button in (self.print_button, self.save_button):
            button.setEnabled(True)
        self.print_button.setFocus()

    def _failed(self, error: Exception) -> None:
        self.status.setText(message_for(error))
        self.status.setStyleSheet("color: #b00020;")

    def print_document(self) -> None:
        if not self.content:
            return
        print_pdf(self, self.content, self.ctx.settings, self.windowTitle())

    def save_document(self) -> None:
        if not self.content:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Сохранить PDF", self.filename, "PDF (*.pdf)")
        if path:
            with open(path, "wb") as fh:
                fh.write(self.content)
