"""A real X server (Xvfb) and real key presses (xdotool, XTEST) for the keyboard tests.

Offscreen pytest-qt sends key events straight to a widget; a clerk's keyboard goes through the X
server, the focused window and every widget's own key handling. These tests start the console's
dialogs in a separate process on an Xvfb screen of an office monitor's size (1366×768) and type
into them with xdotool, as a person would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OFFICE_SCREEN = (1366, 768)


@dataclass(frozen=True)
class XServer:
    display: str
    width: int
    height: int

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update({"DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"})
        return env

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args], env=self.env(), capture_output=True, text=True, timeout=30
        )
        if result.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout.strip()

    def type(self, window: int, text: str) -> None:
        """Focus the window and type ``text`` key by key (real XTEST events)."""
        self.xdotool("windowfocus", "--sync", str(window))
        self.xdotool("type", "--delay", "30", text)

    def click(self, x: int, y: int) -> None:
        """A real mouse click at screen coordinates."""
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", "1")

    def key_focused(self, *keys: str) -> None:
        """Keys to whatever window has the focus now (a question box the dialog opened)."""
        self.xdotool("key", "--delay", "60", *keys)

    def key(self, window: int, *keys: str) -> None:
        self.xdotool("windowfocus", "--sync", str(window))
        self.xdotool("key", "--delay", "60", *keys)


def missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@contextmanager
def start_xvfb(width: int = OFFICE_SCREEN[0], height: int = OFFICE_SCREEN[1]) -> Iterator[XServer]:
    """An Xvfb screen on a free display number (Xvfb picks it: -displayfd)."""
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield XServer(f":{number}", width, height)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Desk:
    """A console dialog running in its own process on the X server (tests/support/desk.py)."""

    def __init__(self, xserver: XServer, *args: str) -> None:
        self.xserver = xserver
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.desk", *args],
            cwd=ROOT, env=xserver.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1,
        )  # fmt: skip
        os.set_blocking(self.process.stdout.fileno(), False)  # type: ignore[union-attr]

    def _read(self) -> None:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                return
            self.lines.append(line.strip())

    def expect(self, prefix: str, timeout: float = 20.0) -> str:
        """The first line the dialog printed that starts with ``prefix`` (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read()
            for line in self.lines:
                if line.startswith(prefix):
                    return line
            if self.process.poll() is not None:
                self._read()
                break
            time.sleep(0.05)
        stderr = self.process.stderr.read() if self.process.poll() is not None else ""  # type: ignore[union-attr]
        raise AssertionError(f"no «{prefix}» from the dialog; it said {self.lines} {stderr}")

    def where(self, name: str) -> tuple[int, int]:
        """The screen centre of a widget the dialog was asked about (``--where``)."""
        _, _, x, y = self.expect(f"AT {name} ").split()
        return int(x), int(y)

    def said(self, prefix: str) -> list[str]:
        self._read()
        return [line for line in self.lines if line.startswith(prefix)]

    def settle(self, seconds: float = 1.0) -> None:
        """Let the dialog handle what was typed (and whatever a second step would do)."""
        time.sleep(seconds)
        self._read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
