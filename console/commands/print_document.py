"""``console print-document`` and ``console print-documents``: payment documents to a PDF file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from console.commands.common import connect, positive_int, settings_from
from console.services.core.errors import ValidationError
from console.services.core.formatting import month_year, parse_period
from console.services.documents import batch, data
from console.services.documents.issue import find_account, issue_payment_document
from console.services.staff.auth import command_line_actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    one = sub.add_parser(
        "print-document", parents=[common], help="платёжный документ лицевого счёта в PDF"
    )
    one.add_argument("--account", required=True, metavar="N", help="номер лицевого счёта")
    _period_and_out(one)
    one.set_defaults(handler=print_one)

    many = sub.add_parser(
        "print-documents", parents=[common], help="пакет платёжных документов в один PDF"
    )
    which = many.add_mutually_exclusive_group()
    which.add_argument("--street", metavar="S", help="улица (все дома или один с --house)")
    which.add_argument(
        "--accounts-file", type=Path, metavar="F", help="файл с номерами лицевых счетов, по одному"
    )
    which.add_argument("--limit", type=positive_int, metavar="N", help="первые N лицевых счетов")
    many.add_argument("--house", metavar="H", help="дом на улице --street")
    _period_and_out(many)
    many.set_defaults(handler=print_many)


def _period_and_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period", metavar="ГГГГ-ММ", help="расчётный месяц (по умолчанию — последний закрытый)"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="куда записать")


def _period(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_period(text)
    except ValueError as err:
        raise ValidationError(str(err), "period") from None


def print_one(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    database = connect(settings)
    try:
        actor = command_line_actor(database, settings.workstation, settings.office_code)
        account_id = find_account(database, args.account)
        period = _period(args.period)
        document = issue_payment_document(database, actor, account_id, period)
    finally:
        database.dispose()
    args.out.write_bytes(document.content)
    note = " (повторная печать сохранённого документа)" if document.reprint else ""
    print(
        f"Платёжный документ {document.account_number} за {month_year(document.period)} → "
        f"{args.out}{note}"
    )
    return 0


def print_many(args: argparse.Namespace) -> int:
    if args.house and not args.street:
        raise ValidationError("--house указывается вместе с --street.", "house")
    numbers: tuple[str, ...] = ()
    if args.accounts_file is not None:
        lines = args.accounts_file.read_text(encoding="utf-8-sig").splitlines()
        numbers = tuple(n.strip() for n in lines if n.strip() and not n.startswith("#"))
        if not numbers:
            raise ValidationError(f"В файле {args.accounts_file} нет номеров лицевых счетов.")
    selection = batch.BatchSelection(
        street=args.street, house=args.house, account_numbers=numbers, limit=args.limit
    )
    settings = settings_from(args)
    database = connect(settings)
    try:
        actor = command_line_actor(database, settings.workstation, settings.office_code)
        period = _period(args.period) or data.last_closed_period(database)
        ids = batch.select_accounts(database, period, selection)
        if not ids:
            raise ValidationError(f"Не найдено ни одного лицевого счёта: {selection.describe()}.")
        show = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show and (done % 50 == 0 or done == total):
                print(f"\r{done} из {total}", end="", file=sys.stderr, flush=True)

        result = batch.render_batch(database, actor, period, ids, progress=progress)
        if show:
            print(file=sys.stderr)
    finally:
        database.dispose()
    assert result.pdf is not None
    args.out.write_bytes(result.pdf)
    print(
        f"Напечатано документов: {result.pages} за {month_year(result.period)} "
        f"({selection.describe()}) → {args.out}"
    )
    return 0
