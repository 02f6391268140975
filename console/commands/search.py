"""``console search QUERY [--limit N] [--json]``: the lookup of the search box, from a terminal."""

from __future__ import annotations

import argparse
import sys

from console.commands.common import connect, positive_int, print_json, settings_from
from console.services.core.formatting import money
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "search",
        parents=[common],
        help="найти лицевые счета: номер, адрес, ФИО, счётчик, телефон, паспорт, e-mail",
    )
    p.add_argument("query", metavar="ЗАПРОС", help="что искать, как ввёл бы специалист")
    p.add_argument("--limit", type=positive_int, default=None, help="сколько строк не больше")
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from console.services.lookup.search import search

    settings = settings_from(args)
    database = connect(settings)
    try:
        limit = args.limit or settings.search_limit
        # A passport search is recorded as the login that ran it (152-ФЗ), never a stand-in.
        actor = command_line_actor(database, settings.workstation, settings.office_code)
        result = search(database, args.query, limit=limit, actor=actor)
    finally:
        database.dispose()
    if args.json:
        print_json(
            [
                {
                    "number": row.number,
                    "holder": row.holder,
                    "address": row.address,
                    "balance": f"{row.balance:.2f}",
                    "status": row.status,
                    "supplier": row.supplier,
                    "match": row.match,
                }
                for row in result.rows
            ]
        )
    else:
        for row in result.rows:
            print(
                f"{row.number}\t{row.holder}\t{row.address}\t{money(row.balance)}\t"
                f"{row.status_label}\t{row.supplier}"
            )
    if result.message:
        print(result.message, file=sys.stderr)
    return 0
