"""``console search`` and ``console account`` as a user runs them, against a SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from console.models.enums import LedgerKind
from console.services.core.database import Database
from tests.support.card_factories import add_charge, add_ledger, add_payment, add_statement
from tests.support.factories import make_account

ROOT = Path(__file__).resolve().parents[2]


def console(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSOLE_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CONSOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def url_of(db: Database) -> str:
    return f"sqlite:///{db.engine.url.database}"


def test_search_json(sqlite_db: Database, tmp_path: Path) -> None:
    make_account(sqlite_db, number="4500012345", settlement="Курган", street="Ленина",
                 house="12", flat="34")  # fmt: skip
    make_account(sqlite_db, number="4500012346", settlement="Курган", street="Ленина",
                 house="12", flat="35", last_name="Петров")  # fmt: skip
    result = console("search", "г. Курган ул Ленина д.12 кв.34", "--database", url_of(sqlite_db),
                     "--json", tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == [
        {
            "number": "4500012345",
            "holder": "Иванов Пётр Сергеевич",
            "address": "г. Курган, ул. Ленина, д. 12, кв. 34",
            "balance": "0.00",
            "status": "active",
            "supplier": "АО «ЭК «Восток»",
            "match": "address",
        }
    ]
    limited = console("search", "ленина", "--limit", "1", "--database", url_of(sqlite_db),
                      "--json", tmp_path=tmp_path)  # fmt: skip
    assert len(json.loads(limited.stdout)) == 1
    assert "уточните запрос" in limited.stderr


def test_search_hostile_query_finds_nothing(sqlite_db: Database, tmp_path: Path) -> None:
    make_account(sqlite_db)
    for query in ("'; drop table accounts; --", "%_", "   "):
        result = console("search", query, "--database", url_of(sqlite_db), "--json",
                         tmp_path=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == []
        assert result.stderr.strip()
    assert json.loads(
        console("search", "Иванов", "--database", url_of(sqlite_db), "--json",
                tmp_path=tmp_path).stdout
    )  # fmt: skip


def test_account_json(sqlite_db: Database, tmp_path: Path) -> None:
    ids = make_account(sqlite_db, number="110022334455", zones=2)
    sep, oct_ = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    add_charge(sqlite_db, ids.account_id, sep, volume="200", tariff="3.49")
    add_payment(sqlite_db, ids.account_id, "698.00", dt.datetime(2026, 10, 8, tzinfo=dt.UTC))
    add_charge(sqlite_db, ids.account_id, oct_, volume="200", tariff="3.43")
    add_ledger(sqlite_db, ids.account_id, oct_, LedgerKind.RECALCULATION, "42.50")
    add_statement(sqlite_db, ids.account_id, sep, "0", "698.00", "0", "0")
    add_statement(sqlite_db, ids.account_id, oct_, "698.00", "686.00", "42.50", "698.00")
    result = console("account", "110022334455", "--database", url_of(sqlite_db), "--json",
                     tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["number"] == "110022334455"
    assert card["holder"] == "Иванов Пётр Сергеевич"
    assert card["address"] == "г. Тюмень, ул. Ленина, д. 12, кв. 34"
    assert card["balance"] == "728.50"
    assert card["meters"] == [
        {
            "serial": ids.serial,
            "model": "СОЭБ 2 ПДР",
            "status": "active",
            "next_verification_on": "2035-03-01",
            "zones": [
                {"zone": 1, "name": "день", "last_reading": "1200", "last_taken_on": "2026-10-20"},
                {"zone": 2, "name": "ночь", "last_reading": "1200", "last_taken_on": "2026-10-20"},
            ],
        }
    ]
    assert card["statements"] == [
        {"period": "2026-09", "opening": "0.00", "charged": "698.00", "recalculated": "0.00",
         "paid": "0.00", "closing": "698.00"},
        {"period": "2026-10", "opening": "698.00", "charged": "686.00", "recalculated": "42.50",
         "paid": "698.00", "closing": "728.50"},
    ]  # fmt: skip


def test_account_not_found_is_one_line(sqlite_db: Database, tmp_path: Path) -> None:
    make_account(sqlite_db)
    result = console("account", "999", "--database", url_of(sqlite_db), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "console: Лицевой счёт 999 не найден."
