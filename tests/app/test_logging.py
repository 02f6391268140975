"""The log: one rotated file in the data folder for the window and the sub-commands, and nothing
personal in it — a failed sign-in leaves the login, never the password or a passport."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from pytestqt.qtbot import QtBot
from sqlalchemy import text

import console.app
from console import cli, logs
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import auth, passwords
from console.settings import Settings, data_dir
from console.views.common.tasks import TaskRunner
from tests.support.factories import make_login

ROOT = Path(__file__).resolve().parents[2]
PASSPORT = "4510 123456"
PASSWORD = f"Секрет-{PASSPORT}-Пароль"  # a password that even looks like a passport


@pytest.fixture(autouse=True)
def root_logger() -> Iterator[logging.Logger]:
    """Whatever a test configures, the session's root logger is put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def _ours() -> list[logs.ConsoleLogHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, logs.ConsoleLogHandler)]


def test_the_log_rotates_and_keeps_a_bounded_number_of_files(tmp_path: Path) -> None:
    path = logs.configure_logging(tmp_path / "logs", max_bytes=2_000, backup_count=3)
    assert path == tmp_path / "logs" / "console.log"
    log = logging.getLogger("console.test")
    for n in range(400):
        log.info("строка %d: лицевой счёт 1234567890", n)
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names == ["console.log", "console.log.1", "console.log.2", "console.log.3"]
    for file in (tmp_path / "logs").iterdir():
        # The handler measures a line in characters, the file holds UTF-8 bytes: one line over.
        assert file.stat().st_size <= 2_000 + 100
    last = (tmp_path / "logs" / "console.log").read_text(encoding="utf-8")
    assert "строка 399: лицевой счёт 1234567890" in last
    assert "INFO" in last and "console.test" in last


def test_configuring_again_keeps_one_handler(tmp_path: Path) -> None:
    logs.configure_logging(tmp_path / "a")
    logs.configure_logging(tmp_path / "a")
    assert [Path(h.baseFilename) for h in _ours()] == [(tmp_path / "a" / "console.log").resolve()]
    logs.configure_logging(tmp_path / "b")  # another data folder: the log moves
    assert [Path(h.baseFilename) for h in _ours()] == [(tmp_path / "b" / "console.log").resolve()]


def test_the_window_and_the_sub_commands_use_the_same_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert console.app.configure_logging is logs.configure_logging is cli.configure_logging
    seen: list[RotatingFileHandler] = []

    def window(settings: Settings, argv: object = None) -> int:
        seen.extend(_ours())
        logging.getLogger("console.app").info("окно открыто")
        return 0

    monkeypatch.setattr(console.app, "bootstrap", window)
    assert cli.main(["--database", f"sqlite:///{tmp_path / 'w.sqlite3'}"]) == 0
    (handler,) = seen
    expected = data_dir() / "logs" / "console.log"
    assert Path(handler.baseFilename) == expected.resolve()
    assert (handler.maxBytes, handler.backupCount, handler.encoding) == (5 * 2**20, 5, "utf-8")
    handler.flush()
    assert "окно открыто" in expected.read_text(encoding="utf-8")

    # A sub-command in its own process writes to logs/console.log of its data folder.
    data = tmp_path / "data"
    env = {**os.environ, "CONSOLE_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CONSOLE_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "console", "db", "upgrade"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = (data / "logs" / "console.log").read_text(encoding="utf-8")
    assert "console.cli: console" in written and " db" in written


@pytest.fixture
def desk(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))
    passwords._dummy_hash.cache_clear()
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    make_login(sqlite_db, "ivanova.a", StaffRole.CLERK, "Верный-Пароль-2026")
    return sqlite_db


def test_a_failed_sign_in_logs_the_login_but_no_password_or_passport(
    qtbot: QtBot, desk: Database, tmp_path: Path
) -> None:
    path = logs.configure_logging(tmp_path / "logs")
    assert path is not None
    runner = TaskRunner()
    errors: list[Exception] = []
    try:
        # As the sign-in window does it: on the task runner, the error back to the window.
        runner.run(lambda: auth.authenticate(desk, "ivanova.a", PASSWORD), None, errors.append)
        runner.run(lambda: auth.authenticate(desk, PASSWORD, PASSWORD), None, errors.append)
        runner.run(
            lambda: auth.authenticate(desk, "ivanova.a", "Верный-Пароль-2026"),
            None,
            errors.append,
        )

        def refuse() -> None:  # a service's refusal quoting what was typed
            raise ValidationError(f"Паспорт {PASSPORT} уже принадлежит другому клиенту.")

        def crash() -> None:  # an unexpected database error with the passport as a parameter
            with desk.transaction() as session:
                session.execute(text("SELECT * FROM no_such_table WHERE p = :p"), {"p": PASSPORT})

        runner.run(refuse, None, errors.append)
        runner.run(crash, None, errors.append)
        qtbot.waitUntil(lambda: len(errors) == 4, timeout=10_000)
    finally:
        runner.shutdown()
    for handler in _ours():
        handler.flush()
    written = path.read_text(encoding="utf-8")
    assert "staff.sign_in refused for ivanova.a" in written
    assert "sign-in refused: not a possible login" in written
    assert "staff.sign_in: ivanova.a" in written
    assert "refused: BadCredentialsError" in written and "refused: ValidationError" in written
    assert "no_such_table" in written  # the unexpected error is there, with its traceback…
    assert PASSPORT not in written  # …but without the parameter
    assert PASSWORD not in written and "Пароль" not in written and "Верный" not in written
