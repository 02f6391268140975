from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.kkt_process import KktEmulator


@pytest.fixture
def kkt_emulator(tmp_path: Path) -> Iterator[KktEmulator]:
    """A ККТ emulator in its own process, stopped after the test."""
    emulator = KktEmulator(tmp_path / "kkt-journal.jsonl").start()
    try:
        yield emulator
    finally:
        emulator.kill()
