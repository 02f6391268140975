"""Helpers shared by sub-commands: opening the database, argument types, progress, output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from console.services.core.database import Database
from console.services.staff.credentials import open_database
from console.settings import Settings, load_settings


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ожидается целое число, а не «{text}»") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"ожидается число больше нуля, а не {value}")
    return value


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "database", None))


def _ask_password(login: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Пароль для {login}: ")


def connect(settings: Settings) -> Database:
    """Open the configured database; a password is asked for on a terminal only."""
    return open_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        connect_timeout=settings.db_connect_timeout_s,
        ask_password=_ask_password,
        sslmode=settings.db_sslmode,
        sslrootcert=settings.db_sslrootcert,
        prepared_statements=settings.db_prepared_statements,
        settings=settings,
    )


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
