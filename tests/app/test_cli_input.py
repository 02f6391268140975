"""Bad input at the command line: a Russian line and a non-zero exit, never a traceback, never
a payer's name; then the class — every entry point and import file fuzzed with hypothesis."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from console.cli import main
from console.models import Meter
from console.services.core.database import Database, create_db_engine
from tests.support.factories import AccountIds, make_account

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = "Конфиденциальнова"  # a payer's name that must never be echoed
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def fuzz(examples: int) -> settings:
    """Example counts chosen to keep the three fuzz tests near 30 s together on two cores."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=_HEALTH, database=None
    )


@dataclass
class Desk:
    url: str
    path: Path
    account: AccountIds
    work: Path
    log: Path


@pytest.fixture
def desk(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    path = tmp_path / "desk.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = Database(create_db_engine(f"sqlite:///{path}"))
    account = make_account(db, number="7200009001")
    with db.transaction() as session:  # a serial the fuzzer's lines can name
        session.execute(
            update(Meter).where(Meter.account_id == account.account_id).values(serial="SN-FUZZ-1")
        )
    db.dispose()
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CONSOLE_DATABASE_URL", raising=False)
    work = tmp_path / "files"
    work.mkdir()
    yield Desk(f"sqlite:///{path}", path, account, work, tmp_path / "data" / "logs" / "console.log")


def run(desk: Desk, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--database", desk.url])
    except SystemExit as stop:  # argparse
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert SECRET_NAME not in out + err
    if desk.log.exists():
        assert SECRET_NAME not in desk.log.read_text(encoding="utf-8", errors="replace")
    return code, out, err


def _russian(text: str) -> bool:
    return re.search("[а-яё]", text.lower()) is not None


def write(desk: Desk, content: bytes, name: str = "f.csv") -> Path:
    path = desk.work / name
    path.write_bytes(content)
    return path


# --- one by one: each failed before ---------------------------------------------------------


def test_binary_readings_file_is_refused_in_russian(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(desk, bytes(range(256)) * 10)
    code, _, err = run(desk, capsys, "import-readings", str(path))
    assert code == 1 and "не похож на текстовый" in err


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1;01.01.0001;{n};10,00;Иванов", "вне допустимого диапазона"),
        ("2;01.11.2026;{n};10,00;{name}\x01", "управляющие символы"),
        ("3;01.11.2026;{n};10,00;{name}" + "Ж" * 200, "плательщик длиннее 200"),
    ],
)
def test_bad_registry_lines_are_problems_not_tracebacks(
    desk: Desk, capsys: pytest.CaptureFixture[str], line: str, expected: str
) -> None:
    text = line.format(n=desk.account.number, name=SECRET_NAME)
    code, out, _ = run(desk, capsys, "import-payments", str(write(desk, text.encode())))
    assert code == 1 and expected in out and "зачислено 0" in out


def test_a_nul_byte_in_a_registry_is_refused(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"2;01.11.2026;{desk.account.number};10,00;Ива\0нов".encode()
    code, _, err = run(desk, capsys, "import-payments", str(write(desk, text)))
    assert code == 1 and "не похож на текстовый" in err


def test_mixed_encoding_registry_keeps_both_names(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    n = desk.account.number
    content = (
        f"1;01.11.2026;{n};1,00;Ёлкин Пётр\n".encode()
        + f"2;01.11.2026;{n};2,00;Щукина Анна\n".encode("cp1251")
    )
    code, out, _ = run(desk, capsys, "import-payments", str(write(desk, content)))
    assert code == 0 and "зачислено 2" in out and "по строкам" in out
    db = Database(create_db_engine(desk.url))
    from console.services.payments import counter

    payers = {p.payer for p in counter.account_payments(db, desk.account.account_id)}
    db.dispose()
    assert {"Ёлкин Пётр", "Щукина Анна"} <= payers


def test_readings_exit_non_zero_when_a_line_was_rejected(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(desk, "7200009001;НЕТ-ТАКОГО;1;1300;01.11.2026\n".encode())
    code, out, _ = run(desk, capsys, "import-readings", str(path))
    assert code == 1 and "отклонено: 1" in out


@pytest.mark.parametrize("command", ["import-readings", "import-payments"])
def test_an_empty_file_says_so(
    desk: Desk, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, _ = run(desk, capsys, command, str(write(desk, b"")))
    assert code == 1 and "ничего не" in out


def test_read_only_database_gives_a_russian_line(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"1;01.11.2026;{desk.account.number};10,00;{SECRET_NAME}".encode()
    path = write(desk, text)
    desk.url = f"sqlite:///file:{desk.path}?mode=ro&uri=true"  # as a read-only file (root too)
    code, _, err = run(desk, capsys, "import-payments", str(path))
    assert code == 1 and "только для чтения" in err
    assert "readonly" not in err


def test_readings_stopped_by_a_read_only_database_say_what_was_applied(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(desk, b"7200009001;SN-X;1;1300;01.11.2026\n")
    desk.url = f"sqlite:///file:{desk.path}?mode=ro&uri=true"
    code, out, err = run(desk, capsys, "import-readings", str(path))
    assert code == 1 and "Traceback" not in err and _russian(out + err)


def test_a_file_over_50_mb_is_refused(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    path = desk.work / "huge.csv"
    with path.open("wb") as f:  # sparse: 51 MB of nothing
        f.truncate(51 * 1024 * 1024)
    for command in ("import-readings", "import-payments"):
        code, _, err = run(desk, capsys, command, str(path))
        assert code == 1 and "больше 50 МБ" in err


def test_an_unforeseen_failure_is_one_russian_line_and_the_log_has_no_text(
    desk: Desk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services.payments import registry

    def boom(*_args: object, **_kwargs: object) -> None:
        raise ValueError(f"payer {SECRET_NAME}")

    monkeypatch.setattr(registry, "import_registry", boom)
    code, _, err = run(desk, capsys, "import-payments", str(write(desk, b"x")))
    assert code == 1 and "внутренняя ошибка" in err
    assert SECRET_NAME not in desk.log.read_text(encoding="utf-8")


@pytest.mark.postgres
def test_db_upgrade_by_a_clerk_is_refused_in_russian(pg_db: Database, tmp_path: Path) -> None:
    from console.models.enums import StaffRole
    from tests.support.factories import make_login

    make_login(pg_db, "clerk.up", StaffRole.CLERK, password="Пароль-123-длинный")
    url = pg_db.engine.url.set(username="clerk.up", password=None)
    env = {**os.environ, "CONSOLE_DATA_DIR": str(tmp_path), "PGPASSWORD": "Пароль-123-длинный"}
    env.pop("CONSOLE_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "console", "db", "upgrade", "--database",
         url.render_as_string(hide_password=False).replace("+psycopg", "")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "владелец" in result.stderr or "прав" in result.stderr, result.stderr


# --- the class: fuzzing ---------------------------------------------------------------------

_FIELD = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
    st.sampled_from(["01.01.0001", "31.12.9999", "2026-11-01", "00.00.0000", "29.02.2023",
                     "7200009001", "SN-FUZZ-1", "1", "9" * 40, "-5", "1e9", "\x00", "\x1b[2J",
                     SECRET_NAME, "", "0,00", "1 234,56"]),
)  # fmt: skip
_ENCODING = st.sampled_from(["utf-8", "cp1251", "utf-16", "koi8-r"])


#: Lines that nearly pass: the desk's account, then one field spoilt by the fuzzer.
_READING = ["7200009001", "SN-FUZZ-1", "1", "1300", "01.11.2026"]
_PAYMENT = ["9001", "01.11.2026", "7200009001", "100,00", SECRET_NAME]


@st.composite
def files(draw: st.DrawFn, columns: int) -> bytes:
    """Lines of fields, each line in its own encoding; sometimes plain random bytes."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    lines: list[bytes] = []
    base = _READING if columns == 5 and draw(st.booleans()) else _PAYMENT
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            fields = list(base)
            fields[draw(st.integers(0, len(fields) - 1))] = draw(_FIELD)
        else:
            fields = draw(st.lists(_FIELD, min_size=columns - 1, max_size=columns + 1))
        line = draw(st.sampled_from([";", ","])).join(fields)
        lines.append(line.encode(draw(_ENCODING), errors="replace"))
    return draw(st.sampled_from([b"\n", b"\r\n", b"\r"])).join(lines)


def _check(code: int, out: str, err: str, rejected: bool) -> None:
    if code == 0:
        assert not rejected and not err
    else:
        assert _russian(out + err)


@fuzz(300)
@given(content=files(5))
def test_fuzz_import_readings(
    desk: Desk, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    code, out, err = run(desk, capsys, "import-readings", str(write(desk, content)))
    _check(code, out, err, "отклонено — " in out)


@fuzz(400)
@given(content=files(5))
def test_fuzz_import_payments(
    desk: Desk, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    code, out, err = run(desk, capsys, "import-payments", str(write(desk, content)))
    _check(code, out, err, "с ошибками 0" not in out)


_ARG = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["--json", "--limit", "0", "-1", "2026-13", "0001-01", "9999-12", "--out",
                     "/nonexistent/x.pdf", "--account", "7200009001", "--street", "Ленина",
                     "--house", "12", "--supplier", "VOS", "--role", "clerk", "\x00",
                     "x" * 300, "Иванов"]),
)  # fmt: skip
_COMMANDS = st.sampled_from([
    ["search"], ["account"], ["close-period"], ["print-document", "one"],
    ["print-document", "many"], ["staff", "list"], ["staff", "disable"], ["staff", "add"],
    ["import-readings"], ["import-payments"], ["db"],
])  # fmt: skip


@fuzz(400)
@given(command=_COMMANDS, args=st.lists(_ARG, max_size=4))
def test_fuzz_every_entry_point(
    desk: Desk, capsys: pytest.CaptureFixture[str], command: list[str], args: list[str]
) -> None:
    args = [a.replace("\x00", "") if a.startswith("/") else a for a in args]
    code, out, err = run(desk, capsys, *command, *args)
    if code != 0:
        assert _russian(out + err)


def _subprocess(desk: Desk, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CONSOLE_DATA_DIR": str(desk.work / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("CONSOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *argv, "--database", desk.url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("command", "content"),
    [
        ("import-readings", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500)),
        ("import-payments", b"1;01.01.0001;7200009001;1,00;x\n"),
        ("import-readings", "7200009001;SN-FUZZ-1;1;1300;31.12.9999\n".encode("cp1251")),
    ],
)
def test_subprocess_cases(desk: Desk, command: str, content: bytes) -> None:
    result = _subprocess(desk, command, str(write(desk, content)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert _russian(result.stdout + result.stderr)


def test_bad_lines_never_reach_the_database_on_either_dialect(db: Database) -> None:
    """PostgreSQL refuses a NUL and an overlong payer with the statement's values in the
    error; the lines are refused before, on both databases, and the good ones applied."""
    from console.services.payments import registry
    from console.services.readings.importing import import_readings
    from console.services.staff.actor import SYSTEM

    acc = make_account(db)
    good = [f"{i};01.11.2026;{acc.number};1,00;Плательщик" for i in range(1, 60)]
    bad = [
        f"100;01.11.2026;{acc.number};1,00;{SECRET_NAME}\x00",  # a NUL past the first 1 KB
        f"101;01.11.2026;{acc.number};1,00;{SECRET_NAME}{'Ж' * 200}",
        f"102;01.01.0001;{acc.number};1,00;{SECRET_NAME}",
        f"103;01.11.2026;{'9' * 40};1,00;{SECRET_NAME}",
    ]
    report = registry.import_registry(db, SYSTEM, "\n".join(good + bad).encode())
    assert report.applied == len(good) and len(report.problems) == len(bad)
    assert not [p for p in report.problems if SECRET_NAME in p.message + p.text]
    readings = "\n".join([
        f"{acc.number};{acc.serial};1;1300\x00;01.11.2026",
        f"{acc.number};{'S' * 300};1;1300;01.11.2026",
        f"{'7' * 400};{acc.serial};1;1300;01.11.2026",
        f"{acc.number};{acc.serial};²;1300;01.11.2026",
        f"{acc.number};{acc.serial};1;{'9' * 300};01.11.2026",
        f"{acc.number};{acc.serial};1;1300;01.01.0001",
    ])  # fmt: skip
    result = import_readings(db, SYSTEM, ("x;" * 600 + "\n" + readings).encode())
    assert result.accepted == 0 and result.rejected == 7
