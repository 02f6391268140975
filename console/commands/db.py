"""``console db upgrade``: create or migrate the schema (harmless to run twice)."""

from __future__ import annotations

import argparse

from console.commands.common import connect, settings_from
from console.services.core import schema
from console.services.core.reference_data import ensure_reference_data


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="схема базы данных")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="КОМАНДА")
    up = db_sub.add_parser(
        "upgrade", parents=[common], help="создать или обновить схему и справочники"
    )
    up.set_defaults(handler=upgrade)


def upgrade(args: argparse.Namespace) -> int:
    database = connect(settings_from(args))
    try:
        before = schema.current_revision(database)
        schema.upgrade(database)
        with database.transaction() as session:
            ensure_reference_data(session)
        after = schema.current_revision(database)
    finally:
        database.dispose()
    if before == after:
        print(f"Схема уже актуальна (ревизия {after}).")
    else:
        print(f"Схема обновлена: {before or 'пусто'} → {after}.")
    return 0
