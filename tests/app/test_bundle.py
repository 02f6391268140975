"""The desktop bundle: `pyinstaller build.spec` makes dist/console that starts and prints.

Slow (a few minutes): it builds the real bundle with PyInstaller, starts the windowed program
offscreen on an empty data folder and checks it stays up and creates its database, then prints a
payment document with the bundled console-cli and reads the PDF back with pdftotext.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    local = Path(sys.executable).parent / "pyinstaller"
    pyinstaller = str(local) if local.exists() else shutil.which("pyinstaller")
    if pyinstaller is None:
        pytest.fail("pyinstaller is not installed: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("bundle")
    cmd = [pyinstaller, "--noconfirm", "--distpath", str(work / "dist"),
           "--workpath", str(work / "build"), "build.spec"]  # fmt: skip
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    folder = work / "dist" / "console"
    assert (folder / "console").exists() and (folder / "console-cli").exists()
    return folder


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    env.update({"CONSOLE_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"})
    return env


def test_frozen_app_starts_creates_its_database_and_stays_up(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [str(bundle / "console")], env=_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    database = data / "console.sqlite3"
    try:
        deadline = time.monotonic() + 180
        accounts = 0
        while time.monotonic() < deadline and accounts == 0:
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            time.sleep(2)
            if database.exists():
                try:
                    with sqlite3.connect(database) as conn:
                        accounts = conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
                except sqlite3.OperationalError:
                    accounts = 0  # still being created
        assert accounts >= 1000
        time.sleep(3)
        assert proc.poll() is None, "the frozen console exited after creating its database"
        # Qt's own buttons and dialogs in Russian: the catalogue travels with the bundle.
        assert list(bundle.rglob("qtbase_ru.qm"))
        log = (data / "logs" / "console.log").read_text(encoding="utf-8")
        assert "catalogue qtbase_ru not found" not in log
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_frozen_cli_prints_a_document_with_cyrillic_text(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = _env(data)
    cli = str(bundle / "console-cli")
    filled = subprocess.run(
        [cli, "demo-data", "--accounts", "30"], env=env, capture_output=True, text=True, timeout=600
    )
    assert filled.returncode == 0, filled.stderr
    with sqlite3.connect(data / "console.sqlite3") as conn:
        number = conn.execute("SELECT number FROM accounts ORDER BY id LIMIT 1").fetchone()[0]
    out = tmp_path / "bill.pdf"
    printed = subprocess.run(
        [cli, "print-document", "--account", number, "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ИЗВЕЩЕНИЕ" in text and "КВИТАНЦИЯ" in text
    assert number in text
