"""``console import-readings FILE.csv [--json]``: load readings gathered by inspectors."""

from __future__ import annotations

import argparse
from pathlib import Path

from console.commands.common import connect, print_json, settings_from
from console.services.readings.importing import import_readings
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import-readings",
        parents=[common],
        help="загрузить показания из CSV (account;meter;zone;value;taken_on)",
    )
    p.add_argument("file", type=Path, metavar="ФАЙЛ.csv")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    database = connect(settings)
    try:
        actor = command_line_actor(database, settings.workstation)
        result = import_readings(database, actor, args.file, settings=settings)
    finally:
        database.dispose()
    if args.json:
        print_json(result.as_json())
        return 1 if result.rejected or not result.rows else 0
    if not result.rows:
        print(f"В файле {args.file.name} нет ни одной строки с показаниями: ничего не загружено.")
        return 1
    for row in result.rows:
        if row.status != "accepted":
            status = "отклонено" if row.status == "rejected" else "повтор"
            print(f"строка {row.line}: {status} — {row.reason}")
    print(
        f"Принято: {result.accepted}, отклонено: {result.rejected}, "
        f"уже было загружено: {result.duplicates}."
    )
    return 1 if result.rejected else 0
