"""The documents benchmark checks what it times: a small run passes its checks (pool and serial
give the same bytes, the reprint renders nothing, the codes add up) and prints its JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_run_passes_its_checks() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/documents_pdf.py", "--accounts", "30"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["failures"] == []
    assert figures["two_payee_pages_decoded"] == 6  # every 5th account has ВДГО
    assert figures["reprint_s"] < figures["first_print_serial_s"]
