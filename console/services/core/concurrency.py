"""Optimistic locking for rows people edit: the version the clerk saw must still be current."""

from __future__ import annotations

from typing import Protocol

from console.services.core.errors import ConflictError

STALE = "Данные изменены другим сотрудником. Обновите карточку и повторите ввод."


class HasVersion(Protocol):
    version: int


def expect_version(row: HasVersion, seen: int | None) -> None:
    """Refuse to save over a change made since the form was filled (``seen`` = version shown).

    The database's own check (``version_id_col``) catches a race inside one transaction; this
    one catches the usual case: the card stayed open while a colleague saved the same row.
    """
    if seen is not None and row.version != seen:
        raise ConflictError(STALE)
