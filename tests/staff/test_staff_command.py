"""``console staff add|disable|password|list`` on the embedded database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from console.cli import main
from console.services.staff import auth, passwords
from console.services.staff.credentials import open_database


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))


def test_add_list_password_disable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("Пароль-2026!\n"))
    args = ["staff", "add", "ivanova.a", "--role", "supervisor", "--office", "TMN-1"]
    code = main([*args, "--name", "Иванова Анна", "--password-stdin", "--database", url])
    assert code == 0
    assert (
        "Сотрудник ivanova.a добавлен: руководитель офиса, офис TMN-1." in capsys.readouterr().out
    )

    db = open_database(url)
    try:
        assert auth.authenticate(db, "ivanova.a", "Пароль-2026!").is_supervisor
    finally:
        db.dispose()

    monkeypatch.setattr("sys.stdin", io.StringIO("Новый-пароль-1\n"))
    assert main(["staff", "password", "ivanova.a", "--password-stdin", "--database", url]) == 0
    assert main(["staff", "disable", "ivanova.a", "--database", url]) == 0
    capsys.readouterr()
    assert main(["staff", "list", "--database", url]) == 0
    listed = {row["login"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["ivanova.a"]["active"] is False and listed["ivanova.a"]["has_password"]
    assert "password_hash" not in listed["ivanova.a"]


def test_bad_input_is_a_russian_message_and_exit_code_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = main(
        ["staff", "add", "ivanova", "--role", "clerk", "--password-stdin", "--database", url]
    )
    assert code == 1
    assert "Пароль слишком короткий" in capsys.readouterr().err
