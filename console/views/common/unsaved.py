"""Esc, «Отмена» or the window's close button on a form with typed input asks before the input
is thrown away: «Закрыть без сохранения? Введённое будет потеряно.» (Да/Нет, Нет by default).

    guard = UnsavedGuard(dialog, lambda: bool(dialog.passport.text()))
    cancel.clicked.connect(guard.cancel)

A form that has nothing typed (or has been saved: ``has_input`` says False) closes at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

QUESTION = "Закрыть без сохранения? Введённое будет потеряно."


def ask_discard(parent: QWidget) -> bool:
    """The question itself (tests replace it): True when the clerk says «Да»."""
    box = QMessageBox(QMessageBox.Icon.Question, parent.windowTitle(), QUESTION,
                      QMessageBox.StandardButton.NoButton, parent)  # fmt: skip
    yes = box.addButton("&Да", QMessageBox.ButtonRole.YesRole)
    no = box.addButton("&Нет", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)  # a stray Enter keeps the form
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class UnsavedGuard(QObject):
    """Watches a dialog's Esc and close button; ``cancel`` is the «Отмена» button's slot."""

    #: Module-level hook so tests answer the question without a modal box.
    asker: Callable[[QWidget], bool] = staticmethod(ask_discard)

    def __init__(self, dialog: QDialog, has_input: Callable[[], bool]) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self._has_input = has_input
        dialog.installEventFilter(self)

    def may_close(self) -> bool:
        """True when nothing would be lost or the clerk agreed to lose it."""
        return not self._has_input() or type(self).asker(self._dialog)

    def cancel(self) -> None:
        if self.may_close():
            self._dialog.reject()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is not getattr(self, "_dialog", None):
            return False  # (also while Python tears the guard down)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() == Qt.Key.Key_Escape and plain:
                self.cancel()
                return True  # this Esc is spent either way
        elif (
            event.type() == QEvent.Type.Close and self._dialog.isVisible() and not self.may_close()
        ):
            event.ignore()
            return True
        return False
