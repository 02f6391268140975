"""Input fields that check themselves as they are typed and show the problem right under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.services.core.errors import ValidationError

ERROR_STYLE = "color: #b00020;"
T = TypeVar("T")


def error_label(parent: QWidget) -> QLabel:
    """A red label for a Russian error sentence; hidden while there is nothing to say."""
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


class CheckedField(QWidget):
    """A line edit with its own check (a validator returning a value or raising)."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        check: Callable[[str], object] | None = None,
        *,
        placeholder: str = "",
        required: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._check = check
        self.required = required
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(placeholder)
        self.error = error_label(self)
        self.error.setObjectName(f"{name}_error")
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)
        self.edit.editingFinished.connect(lambda: self.validate(show_empty=True))

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self.edit.setText(text)

    def set_error(self, message: str | None) -> None:
        show_error(self.error, message)

    def _typed(self) -> None:
        # While typing, an empty field is not yet an error: say so only when the clerk leaves it.
        self.validate(show_empty=False)
        self.changed.emit()

    def _empty_message(self) -> str:
        # The validator's own sentence ("Укажите серию паспорта.") reads better than a generic one.
        if self._check is not None:
            try:
                self._check("")
            except ValidationError as err:
                return str(err)
        return "Заполните это поле."

    def validate(self, *, show_empty: bool = True) -> bool:
        """Run the check; show its message (or clear it). True when the value is fine."""
        text = self.edit.text()
        if not text.strip():
            message = None
            if self.required and show_empty:
                message = self._empty_message()
            self.set_error(message)
            return not self.required
        if self._check is None:
            self.set_error(None)
            return True
        try:
            self._check(text)
        except ValidationError as err:
            self.set_error(str(err))
            return False
        self.set_error(None)
        return True


def add_row(form: QFormLayout, label: str, field: QWidget) -> None:
    """A form row whose label is a keyboard buddy of the field (Alt+letter after "&")."""
    caption = QLabel(label, form.parentWidget())
    caption.setBuddy(field)
    form.addRow(caption, field)
