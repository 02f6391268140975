"""The ``console`` command as a user runs it: versions, migrations, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console import __version__
from tests.support.pgserver import PgServer

ROOT = Path(__file__).resolve().parents[2]


def console(*args: str, data_dir: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSOLE_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CONSOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version(tmp_path: Path) -> None:
    result = console("--version", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"console {__version__}"


def test_db_upgrade_defaults_to_the_embedded_database_and_is_idempotent(tmp_path: Path) -> None:
    first = console("db", "upgrade", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "console.sqlite3").exists()
    second = console("db", "upgrade", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "уже актуальна" in second.stdout


@pytest.mark.postgres
def test_db_upgrade_on_postgres(tmp_path: Path, pg_server: PgServer) -> None:
    import uuid

    from sqlalchemy import text

    from console.services.core.database import create_db_engine

    name = f"cli_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(pg_server.url())
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = pg_server.url(name).replace("postgresql+psycopg", "postgresql")
    result = console("db", "upgrade", "--database", url, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    from console.services.core.schema import head_revision

    assert f"→ {head_revision()}" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["db", "upgrade", "--database", "mysql://x@h/db"],
            "Поддерживаются только SQLite и PostgreSQL",
        ),
        (["db", "upgrade", "--database", "not a url"], "Неверный адрес базы данных"),
        (
            ["db", "upgrade", "--database", "postgresql://clerk:secret@127.0.0.1:1/x"],
            "Пароль в адресе базы данных не допускается",
        ),
        (
            ["db", "upgrade", "--database", "postgresql://clerk@127.0.0.1:1/x"],
            "Не удалось подключиться к базе данных 127.0.0.1:1",
        ),
        (["demo-data", "--accounts", "abc"], "ожидается целое число"),
        (["demo-data", "--accounts", "0"], "ожидается число больше нуля"),
    ],
)
def test_user_mistakes_print_one_clear_line(tmp_path: Path, args: list[str], expected: str) -> None:
    result = console(*args, data_dir=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert expected in lines[-1]
    assert len(lines) <= 2  # argparse may print its usage line first


def test_database_option_before_the_sub_command_is_honoured(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.sqlite3"
    result = console("--database", f"sqlite:///{target}", "db", "upgrade", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert not (tmp_path / "console.sqlite3").exists()
