"""Start, kill and restart the ККТ emulator (tests/support/kkt_emulator.py) as its own process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class KktEmulator:
    """One emulator process; its journal outlives kills and restarts."""

    def __init__(self, journal: Path, port: int | None = None) -> None:
        self.journal_path = journal
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str) -> KktEmulator:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.kkt_emulator", "--port", str(self.port),
             "--journal", str(self.journal_path), *extra],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("kkt emulator exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("kkt emulator did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def wait_dead(self, timeout: float = 10) -> None:
        if self.proc is not None:
            self.proc.wait(timeout)
            self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def restart(self) -> None:
        self.kill()
        self.start()

    def _post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def fault(self, name: str, count: int = -1) -> None:
        self._post("/control", {"fault": name, "count": count})

    def advance(self, seconds: float) -> None:
        self._post("/control", {"advance_s": seconds})

    def journal(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.url + "/journal", timeout=5) as response:
            data: list[dict[str, Any]] = json.loads(response.read())
            return data
