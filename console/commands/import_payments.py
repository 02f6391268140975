"""``console import-payments FILE [--json]``: load a bank's payment registry, each line once."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from console.commands.common import connect, print_json, settings_from
from console.services.core.errors import ConsoleError
from console.services.core.formatting import money
from console.services.files import text as textfile
from console.services.payments import registry
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import-payments",
        parents=[common],
        help="загрузить реестр платежей банка («операция;дата;счёт;сумма;плательщик»)",
        description=registry.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="ФАЙЛ", type=Path, help="файл реестра (UTF-8 или windows-1251)")
    p.add_argument(
        "--source",
        default="registry",
        help="код банка-источника: номера операций уникальны в пределах источника",
    )
    p.add_argument("--json", action="store_true", help="итог в формате JSON")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.file.is_dir():
            raise ConsoleError(f"{args.file.name} — папка, а не файл реестра.")
        textfile.check_size(args.file.stat().st_size, args.file.name)
        content = args.file.read_bytes()
    except OSError as err:
        raise ConsoleError(f"Не удалось прочитать файл {args.file.name}: {err.strerror}.") from err
    settings = settings_from(args)
    database = connect(settings)
    try:
        actor = command_line_actor(database, settings.workstation)
        report = registry.import_registry(
            database, actor, content, source=args.source, filename=args.file.name
        )
    finally:
        database.dispose()
    if args.json:
        print_json(dataclasses.asdict(report))
    elif not report.lines:
        print(f"В реестре {args.file.name} нет ни одной строки с платежом: ничего не зачислено.")
        return 1
    else:
        print(
            f"Реестр {args.file.name} ({report.encoding}): строк {report.lines}, "
            f"зачислено {report.applied} на {money(report.amount, currency=True)}, "
            f"уже были загружены {report.duplicates}, с ошибками {len(report.problems)}."
        )
        for problem in report.problems:
            print(f"  {problem.message}")
    return 1 if report.problems or not report.lines else 0
