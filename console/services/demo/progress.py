"""Progress reporting for long loads: a protocol, and a text progress bar for terminals."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    """Told how much there is to do, then how much more is done, then that it is over."""

    def start(self, total: int, label: str) -> None: ...
    def advance(self, n: int) -> None: ...
    def finish(self) -> None: ...


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class TerminalProgress:
    """ "Демоданные [██████░░░░░░]  48 % 480 000 из 1 000 000 · 2:05, осталось ≈ 2:15" on stderr."""

    def __init__(self, stream: TextIO | None = None, width: int = 24, interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.width = width
        self.interval = interval
        self.total = 0
        self.done = 0
        self.label = ""
        self._started = 0.0
        self._drawn = 0.0

    def start(self, total: int, label: str) -> None:
        self.total, self.done, self.label = max(total, 1), 0, label
        self._started = time.monotonic()
        self._draw(force=True)

    def advance(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        self._draw(force=self.done >= self.total)

    def finish(self) -> None:
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < self.interval:
            return
        self._drawn = now
        share = self.done / self.total
        filled = int(share * self.width)
        elapsed = now - self._started
        line = (
            f"\r{self.label} [{'█' * filled}{'░' * (self.width - filled)}] {share * 100:3.0f} % "
            f"{self.done:,} из {self.total:,} · {_clock(elapsed)}".replace(",", "\u00a0")
        )
        if 0 < self.done < self.total:
            line += f", осталось ≈ {_clock(elapsed / self.done * (self.total - self.done))}"
        self.stream.write(line + "\033[K")
        self.stream.flush()
