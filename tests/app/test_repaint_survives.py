"""PySide6 6.12.0 on CPython 3.11 aborts after ~5 000 Python paintEvent overrides (DESIGN.md).

This repaints a widget with a Python override 20 000 times; with the broken build the process
dies with "Fatal Python error: none_dealloc", so the suite fails loudly if someone unpins it.
"""

from __future__ import annotations

from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget


class _Painted(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.drawText(10, 20, f"{self.paints}")
        painter.end()
        self.paints += 1


def test_twenty_thousand_repaints(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = _Painted()
    qtbot.addWidget(widget)
    widget.resize(120, 40)
    widget.show()
    qtbot.waitExposed(widget)
    start = widget.paints
    # render() always runs paintEvent; offscreen repaint() may be coalesced away.
    target = QPixmap(widget.size())
    for _ in range(20_000):
        widget.render(target)
    assert widget.paints - start >= 20_000
