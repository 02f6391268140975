"""`console import-readings`: inspectors' CSV files, row by row, imported once."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from console.commands import close_period as close_period_command
from console.commands import import_readings as import_command
from console.models.enums import ReadingSource, StaffRole
from console.services.account.readings import reading_history
from console.services.core.database import Database
from console.services.readings.importing import import_readings
from tests.support.factories import make_account, make_staff

TODAY = dt.date(2026, 11, 10)


def _file(tmp_path: Path, rows: list[str], encoding: str = "cp1251", name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(rows).encode(encoding))
    return path


def test_each_row_checked_bad_rows_do_not_stop_the_others(db: Database, tmp_path: Path) -> None:
    one = make_account(db, number="7200000101")
    two = make_account(db, number="7200000102", zones=2)
    clerk = make_staff(db, "inspector", StaffRole.CLERK)
    path = _file(tmp_path, [
        "Лицевой счёт;Счётчик;Зона;Показание;Дата",
        f"{one.number};{one.serial};1;1300;09.11.2026",
        f"{two.number};{two.serial.lower()};2;1280,5;2026-11-09",
        f"{two.number};{two.serial};1;1100;09.11.2026",
        "7299999999;X1;1;10;09.11.2026",
        f"{one.number};NOPE;1;10;09.11.2026",
        f"{two.number};{two.serial};3;10;09.11.2026",
        f"{one.number};{one.serial};1;много;09.11.2026",
        f"{one.number};{one.serial};1;1400;31.02.2026",
        f"{one.number};{one.serial};1",
        "",
    ])  # fmt: skip
    result = import_readings(db, clerk, path, today=TODAY)
    assert (result.accepted, result.rejected, result.duplicates) == (2, 7, 0)
    reasons = {row.line: row.reason for row in result.rows}
    assert [row.status for row in result.rows[:2]] == ["accepted", "accepted"]
    assert "меньше предыдущего" in reasons[4]
    assert reasons[5] == "лицевой счёт 7299999999 не найден"
    assert "счётчик № NOPE не найден" in reasons[6]
    assert "зоны с 1 по 2" in reasons[7]
    assert "должно быть числом" in reasons[8]
    assert "не распознана" in reasons[9]
    assert "5 столбцов" in reasons[10]
    history = reading_history(db, two.account_id)
    rejected = [h for h in history if h.status == "rejected"]
    assert len(rejected) == 1 and "меньше предыдущего" in (rejected[0].reason or "")
    assert rejected[0].source is ReadingSource.IMPORT

    again = import_readings(db, clerk, path, today=TODAY)
    assert (again.accepted, again.duplicates) == (0, 3)  # 2 accepted + 1 stored rejection
    assert len(reading_history(db, two.account_id)) == len(history)


def test_comma_separated_utf8_with_a_warning_row(db: Database, tmp_path: Path) -> None:
    ids = make_account(db)
    clerk = make_staff(db, "inspector", StaffRole.CLERK)
    path = _file(
        tmp_path, ["\ufeffaccount,meter,zone,value,taken_on",
                   f"{ids.number},{ids.serial},1,9000,2026-11-09"], "utf-8",
    )  # fmt: skip
    result = import_readings(db, clerk, path, today=TODAY)
    assert result.rejected == 1
    assert result.rows[0].reason.startswith("нужна проверка оператором")


def _run(module: object, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database")
    sub = parser.add_subparsers()
    module.register(sub, common)  # type: ignore[attr-defined]
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_command_prints_json_and_close_period_runs(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = make_account(db)
    make_staff(db, "boss", StaffRole.SUPERVISOR)
    today = dt.date.today()
    path = _file(tmp_path, [f"{ids.number};{ids.serial};1;1300;{today:%d.%m.%Y}"])
    url = db.engine.url.render_as_string(hide_password=False)
    assert _run(import_command, ["import-readings", str(path), "--json", "--database", url]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == [{"line": 1, "status": "accepted", "reason": ""}]
    assert (report["accepted"], report["rejected"]) == (1, 0)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    argv = ["close-period", last_month, "--json", "--database", url]
    assert _run(close_period_command, argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["period"] == last_month and summary["accounts"] == 1
