"""``console db upgrade``: create or migrate the schema (harmless to run twice)."""

from __future__ import annotations

import argparse

from sqlalchemy import exc, text

from console.commands.common import connect, settings_from
from console.services.core import schema
from console.services.core.errors import ConsoleError
from console.services.core.reference_data import ensure_reference_data


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="схема базы данных")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="КОМАНДА")
    up = db_sub.add_parser(
        "upgrade", parents=[common], help="создать или обновить схему и справочники"
    )
    up.set_defaults(handler=upgrade)


_NOT_OWNER = (
    "Обновлять схему базы данных может только её владелец (администратор), "
    "а у вашей роли нет таких прав. Схема не изменена."
)
#: The connected role owns the database (or is a member of the owner's role, or a superuser).
_OWNER_SQL = (
    "SELECT pg_has_role(current_user, d.datdba, 'MEMBER') FROM pg_database d "
    "WHERE d.datname = current_database()"
)


def upgrade(args: argparse.Namespace) -> int:
    database = connect(settings_from(args))
    try:
        if database.is_postgres:
            with database.read() as session:
                if not session.scalar(text(_OWNER_SQL)):
                    raise ConsoleError(_NOT_OWNER)
        before = schema.current_revision(database)
        schema.upgrade(database)
        with database.transaction() as session:
            ensure_reference_data(session)
        after = schema.current_revision(database)
    except exc.DBAPIError as err:
        if getattr(err.orig, "sqlstate", None) != "42501":
            raise
        raise ConsoleError(_NOT_OWNER) from err
    finally:
        database.dispose()
    if before == after:
        print(f"Схема уже актуальна (ревизия {after}).")
    else:
        print(f"Схема обновлена: {before or 'пусто'} → {after}.")
    return 0
