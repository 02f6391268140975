"""Bank payment registries: each operation applied once, bad lines reported, both encodings."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.commands import import_payments
from console.models import Payment
from console.models.enums import PaymentMethod
from console.services.core.database import Database
from console.services.payments import counter, registry
from console.services.staff.actor import SYSTEM
from tests.support.factories import add_charge, make_account


def _registry(*lines: str) -> str:
    return "\n".join(("номер операции;дата;лицевой счёт;сумма;плательщик", *lines)) + "\n"


def _payments(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Payment)) or 0)


def test_reimport_adds_nothing_and_bad_lines_are_reported(db: Database) -> None:
    first = make_account(db)
    second = make_account(db)
    add_charge(db, first.account_id, Decimal("686.00"))
    add_charge(db, first.account_id, Decimal("48.60"), service_code="vdgo")
    content = _registry(
        f"9001;03.11.2026;{first.number};734,60;Иванов Пётр Сергеевич",
        f"9002;2026-11-04;{second.number};1 000.00;",
        "# комментарий",
        "",
        "9003;04.11.2026;9999999999;100,00;Неизвестный",
        f"9004;31.02.2026;{first.number};100,00;Плохая дата",
        f"9005;04.11.2026;{first.number};-5;Минус",
        f"9006;04.11.2026;{first.number};100",
        f"9001;04.11.2026;{first.number};10,00;Повтор в файле",
    ).encode()
    report = registry.import_registry(db, SYSTEM, content, filename="r.txt")
    assert (report.lines, report.applied, report.duplicates) == (7, 2, 0)
    assert report.amount == Decimal("1734.60")
    assert [p.line_no for p in report.problems] == [6, 7, 8, 9, 10]
    messages = " | ".join(p.message for p in report.problems)
    assert "лицевой счёт 9999999999 не найден" in messages
    assert "дата «31.02.2026» не распознана" in messages
    assert "сумма «-5» не распознана" in messages
    assert "ожидается 5 полей" in messages
    assert "повторяется в файле" in messages
    assert counter.account_dues(db, first.account_id).balance == Decimal("0.00")
    assert counter.account_dues(db, second.account_id).balance == Decimal("-1000.00")
    history = counter.account_payments(db, first.account_id)
    assert history[0].method is PaymentMethod.BANK and history[0].source == "registry"

    again = registry.import_registry(db, SYSTEM, content, filename="r.txt")
    assert (again.applied, again.duplicates) == (0, 2)
    assert _payments(db) == 2
    # The same operation ids from another bank are other operations.
    other = registry.import_registry(db, SYSTEM, content, source="sber")
    assert other.applied == 2 and _payments(db) == 4


def test_windows_1251_file(db: Database) -> None:
    acc = make_account(db)
    content = _registry(f"7;05.11.2026;{acc.number};250,00;Сидорова Анна Ёжикова").encode("cp1251")
    report = registry.import_registry(db, SYSTEM, content)
    assert report.encoding == "windows-1251" and report.applied == 1
    assert counter.account_payments(db, acc.account_id)[0].payer == "Сидорова Анна Ёжикова"
    bom = ("\ufeff" + _registry(f"8;05.11.2026;{acc.number};1,00;Ёлкин")).encode("utf-8")
    assert registry.import_registry(db, SYSTEM, bom).encoding == "utf-8"


def test_command_line_json(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acc = make_account(sqlite_db)
    path = tmp_path / "reestr.txt"
    path.write_bytes(
        _registry(f"1;05.11.2026;{acc.number};99,90;Иванов", "2;x;1;1;").encode("cp1251")
    )
    parser = argparse.ArgumentParser()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database")
    import_payments.register(parser.add_subparsers(), common)
    url = str(sqlite_db.engine.url)
    args = parser.parse_args(["import-payments", str(path), "--json", "--database", url])
    assert args.handler(args) == 1  # a problem line makes the exit code 1
    out = json.loads(capsys.readouterr().out)
    assert out["applied"] == 1 and out["encoding"] == "windows-1251"
    assert out["problems"][0]["line_no"] == 3
    args = parser.parse_args(["import-payments", str(path), "--database", url])
    args.handler(args)
    text = capsys.readouterr().out
    assert "зачислено 0" in text and "уже были загружены 1" in text
