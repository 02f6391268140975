"""``console close-period YYYY-MM [--json]``: the monthly billing run."""

from __future__ import annotations

import argparse
import sys

from console.commands.common import connect, print_json, settings_from
from console.services.billing import run as billing
from console.services.core.errors import ConsoleError
from console.services.core.formatting import parse_period
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "close-period", parents=[common], help="закрыть расчётный период (начисления за месяц)"
    )
    p.add_argument("period", metavar="ГГГГ-ММ", help="месяц, например 2026-10")
    p.add_argument("--json", action="store_true", help="итог в JSON")
    p.set_defaults(handler=run)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rЗакрытие периода: {done * 100 // max(total, 1)}%")
    sys.stderr.flush()
    if done >= total:
        sys.stderr.write("\n")


def run(args: argparse.Namespace) -> int:
    try:
        period = parse_period(args.period)
    except ValueError as err:
        raise ConsoleError(str(err)) from None
    settings = settings_from(args)
    database = connect(settings)
    try:
        actor = command_line_actor(database, settings.workstation)
        progress = _progress if sys.stderr.isatty() and not args.json else None
        result = billing.close_period(database, actor, period, progress, settings=settings)
    finally:
        database.dispose()
    if args.json:
        print_json(result.as_json())
    else:
        print(result.describe())
    return 0
