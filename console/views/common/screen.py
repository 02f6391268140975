"""Window sizes that fit the clerk's monitor: 1366×768 and 1280×720 are the usual office ones."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room for the window manager's title bar and frame around a window.
FRAME = (16, 40)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, made smaller where the screen is smaller (a preview of
    an A4 page asked for 1000 pixels of height: its buttons were below the screen's edge)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - FRAME[0])
        height = min(height, room.height() - FRAME[1])
    widget.resize(width, height)
