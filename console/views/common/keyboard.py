"""Keyboard-first forms: Enter moves to the next field, and one key press is one step.

A QLineEdit lets Enter through to its dialog, which clicks the default button. A form that also
moves on in ``returnPressed`` takes two steps for one key press (the second on whatever button
the first step focused: the reading was stored before the clerk saw the confirmation). So Enter
in a field either moves the focus to the next field and stops there, or, in the last field, is
left to the dialog's default button alone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPushButton, QStackedWidget, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _EnterToNext(QObject):
    def __init__(self, field: QWidget, following: Callable[[], QWidget | None]) -> None:
        super().__init__(field)
        self._following = following

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)):
            return False
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        target = self._following() if event.key() in _ENTER and plain else None
        if target is None:
            return False
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True  # this key press is spent: no default button


def enter_moves_to(field: QWidget, following: Callable[[], QWidget | None]) -> None:
    """Enter in ``field`` focuses ``following()``; when that is None (the last field) Enter goes
    on to the dialog's default button, once."""
    field.installEventFilter(_EnterToNext(field, following))


def default_button_per_page(pages: QStackedWidget, buttons: dict[int, QPushButton]) -> None:
    """Enter presses the button of the step on screen. A dialog has one default button: the
    last ``setDefault(True)`` wins, so a second page's button set while the dialog is built
    silently took Enter away from the first page («Принять оплату» did nothing on Enter)."""

    def shown(index: int) -> None:
        button = buttons.get(index)
        if button is not None:
            button.setDefault(True)

    pages.currentChanged.connect(shown)
    shown(pages.currentIndex())
