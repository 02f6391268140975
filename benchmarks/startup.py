"""Start-up: from starting the process to the main window shown, warm (issue 2: ≤ 2 s; the
frozen bundle, issue 10: ≤ 3 s).

Run from the repository root::

    python benchmarks/startup.py [--runs 7] [--command dist/console/console]

Without ``--command`` it starts ``python -m console`` from this checkout. Each run starts the
console offscreen on one embedded database (the first, unmeasured run creates, migrates and fills
it) with CONSOLE_AUTOLOGIN, waits for the line "main window shown" in the console's own log,
notes the time and stops the process. The last line is JSON: wall seconds from spawn to the
window (min, median, max) and the console's own figure from its log (bootstrap → shown).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHOWN = re.compile(r"main window shown in ([0-9.]+) s")
TIMEOUT_S = 120.0


def start_once(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Spawn the console, wait for its window, stop it; (wall seconds, in-process seconds)."""
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        while True:
            text = log.read_text(encoding="utf-8") if log.exists() else ""
            found = SHOWN.search(text, len(before))
            if found:
                return time.perf_counter() - started, float(found.group(1))
            if process.poll() is not None:
                said = process.stderr.read() if process.stderr else ""
                raise SystemExit(f"the console ended before its window: {said}")
            if time.perf_counter() - started > TIMEOUT_S:
                raise SystemExit("no window within two minutes")
            time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--command", help="the console to start (default: python -m console)")
    args = parser.parse_args()
    command = shlex.split(args.command) if args.command else [sys.executable, "-m", "console"]
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # a clerk's Python keeps its bytecode cache
        env.pop("CONSOLE_DATABASE_URL", None)
        env.update(
            CONSOLE_DATA_DIR=folder,
            CONSOLE_CONFIG=str(Path(folder) / "absent.toml"),
            CONSOLE_AUTOLOGIN="admin",
            QT_QPA_PLATFORM="offscreen",
        )
        log = Path(folder) / "logs" / "console.log"
        first_s, _ = start_once(command, env, log)  # creates, migrates and fills the database
        walls: list[float] = []
        inside: list[float] = []
        for _ in range(args.runs):
            wall, own = start_once(command, env, log)
            walls.append(wall)
            inside.append(own)
    figures = {
        "command": " ".join(command),
        "runs": args.runs,
        "first_start_s": round(first_s, 2),
        "wall_s": {
            "min": round(min(walls), 3),
            "median": round(statistics.median(walls), 3),
            "max": round(max(walls), 3),
        },
        "in_process_s": {
            "min": round(min(inside), 3),
            "median": round(statistics.median(inside), 3),
            "max": round(max(inside), 3),
        },
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
