"""Small form pieces of the payment and refund windows: a money field and a red error line."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from console.services.core.formatting import KOPECK, money

#: Qt's QWIDGETSIZE_MAX: a widget with no maximum width set has this one.
QWIDGETSIZE_MAX = (1 << 24) - 1

_MONEY = re.compile(r"\d{1,10}(\.\d{0,2})?")


def parse_money(text: str) -> Decimal | None:
    """ "1 234,56" → Decimal("1234.56"); "" → None; ValueError when it is not an amount."""
    cleaned = re.sub(r"[\s\u00a0₽]", "", text or "").replace(",", ".")
    if not cleaned:
        return None
    if not _MONEY.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned).quantize(KOPECK)


class MoneyEdit(QLineEdit):
    """A right-aligned field for rubles and kopecks; accepts spaces and a comma or a dot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[\d\s\x{00a0}]{0,14}([.,]\d{0,2})?"))
        )
        self.setPlaceholderText("0,00")

    def value(self) -> Decimal | None:
        """The amount typed, None when empty; ValueError when it cannot be read."""
        return parse_money(self.text())

    def set_value(self, amount: Decimal | None) -> None:
        self.setText("" if amount is None else money(amount))


class ErrorLabel(QLabel):
    """The red line under a field that says what is wrong; hidden while there is nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")

    def clears_on_edit(self, *fields: QWidget) -> ErrorLabel:
        """The message goes as soon as the clerk changes one of ``fields`` (it was about the old
        value; a stale red line under a corrected field reads as «still wrong»)."""
        for field in fields:
            clear_on_edit(field, self)
        return self


def on_edit(field: QWidget, slot: Callable[[], object]) -> None:
    """Call ``slot`` when the clerk changes ``field`` (a line edit, text edit, combo box, spin
    box, date, list or check box)."""
    for signal in ("textEdited", "textChanged", "currentIndexChanged", "valueChanged",
                   "dateChanged", "itemChanged", "toggled"):  # fmt: skip
        if hasattr(field, signal):
            getattr(field, signal).connect(lambda *_args: slot())
            return


def clear_on_edit(field: QWidget, label: QLabel) -> None:
    """Hide ``label`` when ``field`` changes."""
    on_edit(field, label.hide)


def field_with_lines(field: QWidget, *lines: QWidget) -> QVBoxLayout:
    """A form's field with its error line (and hint) right under it.

    A field narrower than the column (a money edit) is aligned left: otherwise its maximum
    width caps the whole column, the lines under it wrap into two, and the form layout, which
    does not ask a nested layout of wrapping labels how tall it is, gives them one line's height
    (the message is cut in half)."""
    box = QVBoxLayout()
    box.setSpacing(2)
    if field.maximumWidth() < QWIDGETSIZE_MAX:
        box.addWidget(field, 0, Qt.AlignmentFlag.AlignLeft)
    else:
        box.addWidget(field)
    for line in lines:
        box.addWidget(line)
    return box
