"""``console print-document`` / ``print-documents`` end to end on an SQLite file."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from console.commands import print_document
from console.services.core.database import Database
from tests.support.factories import make_account, make_closed_month
from tests.support.pdf_tools import decode_qr, page_count, page_image, parse_gost, pdf_text

ROOT = Path(__file__).resolve().parents[2]
AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
FULL_CLI = importlib.util.find_spec("console.services.demo.api") is not None


def _fill(db: Database) -> list[str]:
    numbers = []
    for flat in ("1", "2", "3"):
        account = make_account(db, street="Садовая", flat=flat, last_taken_on=dt.date(2026, 7, 20))
        make_closed_month(db, account, AUG, opening=Decimal("100.00"))
        make_closed_month(db, account, SEP, paid=Decimal("300.00"))
        numbers.append(account.number)
    return numbers


def _url(db: Database) -> str:
    return str(db.engine.url)


def _run_in_process(argv: list[str]) -> int:
    """The command through its own parser: the same handler ``console`` calls."""
    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database")
    print_document.register(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_print_document_defaults_to_the_last_closed_month(
    sqlite_db: Database, tmp_path: Path
) -> None:
    numbers = _fill(sqlite_db)
    out = tmp_path / "one.pdf"
    code = _run_in_process(
        [
            "print-document",
            "--database",
            _url(sqlite_db),
            "--account",
            numbers[0],
            "--out",
            str(out),
        ]
    )
    assert code == 0
    pdf = out.read_bytes()
    assert "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ за Сентябрь 2026 г." in pdf_text(pdf)
    (qr,) = decode_qr(page_image(pdf))
    assert dict(parse_gost(qr)[1])["PersAcc"] == numbers[0]
    again = tmp_path / "again.pdf"
    _run_in_process(
        ["print-document", "--database", _url(sqlite_db), "--account", numbers[0],
         "--period", "2026-09", "--out", str(again)]
    )  # fmt: skip
    assert again.read_bytes() == pdf


def test_print_documents_from_a_list_file(sqlite_db: Database, tmp_path: Path) -> None:
    numbers = _fill(sqlite_db)
    listing = tmp_path / "accounts.txt"
    listing.write_text(f"# на доставку\n{numbers[2]}\n\n{numbers[0]}\n", encoding="utf-8")
    out = tmp_path / "batch.pdf"
    code = _run_in_process(
        ["print-documents", "--database", _url(sqlite_db), "--period", "2026-08",
         "--accounts-file", str(listing), "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    pdf = out.read_bytes()
    assert page_count(pdf) == 2
    assert f"ЛИЦЕВОЙ СЧЕТ {numbers[2]}" in pdf_text(pdf, page=1)
    assert "за Август 2026 г." in pdf_text(pdf, page=2)


@pytest.mark.skipif(
    not FULL_CLI,
    reason="`console` imports every sub-command; demo-data's service comes with the demo branch",
)
def test_the_console_executable_prints_a_street(sqlite_db: Database, tmp_path: Path) -> None:
    _fill(sqlite_db)
    out = tmp_path / "street.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "console", "print-documents", "--database", _url(sqlite_db),
         "--street", "садовая", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Напечатано документов: 3 за Сентябрь 2026" in done.stdout
    assert page_count(out.read_bytes()) == 3
    bad = subprocess.run(
        [sys.executable, "-m", "console", "print-document", "--database", _url(sqlite_db),
         "--account", "123", "--out", str(tmp_path / "x.pdf")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 1 and "Лицевой счёт 123 не найден" in bad.stderr
