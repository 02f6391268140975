"""``console demo-data --accounts N [--seed S]``: fill the database with deterministic demo data."""

from __future__ import annotations

import argparse
import sys

from console.commands.common import connect, positive_int, settings_from


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo-data", parents=[common], help="заполнить базу демонстрационными данными"
    )
    p.add_argument("--accounts", type=positive_int, required=True, help="сколько лицевых счетов")
    p.add_argument("--seed", type=int, default=1, help="зерно: те же данные при том же зерне")
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="процессов, готовящих данные (по умолчанию — по числу ядер, для PostgreSQL)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from console.services.core import schema
    from console.services.demo import api

    database = connect(settings_from(args))
    try:
        schema.upgrade(database)
        progress = api.TerminalProgress() if sys.stderr.isatty() else None
        summary = api.generate(
            database, accounts=args.accounts, seed=args.seed, progress=progress,
            workers=args.workers,
        )  # fmt: skip
    finally:
        database.dispose()
    print(summary.describe())
    return 0
