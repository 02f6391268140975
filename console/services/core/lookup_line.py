"""The lookup's own connection: stand-alone read statements at the driver, nothing in between.

An exact lookup costs the server about 0.1 ms; measured on a million accounts, the SQLAlchemy
path around it (a pool checkout, switching the connection to autocommit and back, building
the result) added about 0.35 ms, 1.8 times the same SQL sent straight through psycopg. So the
lookup keeps one connection of its own (benchmarks/search.py: now within 1.35×), taken
from the engine once (the same URL, password, TLS and prepared-statement settings, and on
SQLite the same ``casefold`` function) and detached from its pool. On PostgreSQL it is in
autocommit: no BEGIN/COMMIT round trips, and psycopg's prepared statements stay (a rollback
would drop them). Statements are SQLAlchemy ``text()`` SQL with ``:name`` binds, compiled
once for the driver. They share no snapshot: use the line only where each one stands alone.

The connection is not pinged before use: when it turns out to be dead (a restarted server,
a dropped link), the statement runs again once on a fresh one, which is safe for a read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, exc, text
from sqlalchemy.engine import Dialect
from sqlalchemy.pool import PoolProxiedConnection

from console.services.core.errors import DatabaseUnavailableError

Row = tuple[Any, ...]
#: Called with each statement and its parameters as the driver gets them (for benchmarks).
Tracer = Callable[[str, Any], None]


@lru_cache(maxsize=256)
def driver_statement(dialect: Dialect, sql: str) -> tuple[str, tuple[str, ...] | None]:
    """``sql`` in the driver's parameter style, and the parameter order if it is positional."""
    compiled = text(sql).compile(dialect=dialect)
    order = compiled.positiontup
    return compiled.string, tuple(order) if order is not None else None


class LookupLine:
    """One connection, used by one statement at a time (a lock), opened when first needed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._proxy: PoolProxiedConnection | None = None
        self._dbapi: Any = None
        self.trace: Tracer | None = None

    def fetch(self, sql: str, params: dict[str, Any]) -> list[Row]:
        """All rows of one statement; once more on a fresh connection if this one was dead."""
        statement, order = driver_statement(self._engine.dialect, sql)
        args: Any = params if order is None else tuple(params[name] for name in order)
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._run(statement, args)
                except Exception as err:
                    if not self._lost(err):
                        raise
                    self._close()
                    if attempt == 2:
                        raise DatabaseUnavailableError(
                            "Нет связи с базой данных. Повторите попытку позже."
                        ) from err
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._close()

    def _run(self, statement: str, args: Any) -> list[Row]:
        if self._dbapi is None:
            self._open()
        if self.trace is not None:
            self.trace(statement, args)
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(statement, args)
            rows: list[Row] = cursor.fetchall()
        finally:
            cursor.close()
        return rows

    def _open(self) -> None:
        proxy = self._engine.raw_connection()  # the engine's own connect: URL, password, TLS
        dbapi: Any = proxy.driver_connection
        proxy.detach()  # ours from now on: the pool opens another when it needs one
        if self._engine.dialect.name == "postgresql":
            dbapi.autocommit = True
        self._proxy, self._dbapi = proxy, dbapi

    def _lost(self, err: Exception) -> bool:
        """Whether ``err`` says the connection is gone (and not that the statement is wrong)."""
        if isinstance(err, exc.DBAPIError):  # from the engine's connect: no server at all
            return isinstance(err, exc.OperationalError) or err.connection_invalidated
        if isinstance(err, self._engine.dialect.loaded_dbapi.Error):
            return self._dbapi is None or self._engine.dialect.is_disconnect(err, self._dbapi, None)
        return False

    def _close(self) -> None:
        proxy, self._proxy, self._dbapi = self._proxy, None, None
        if proxy is not None:
            with suppress(Exception):  # it is dead already, or as good as
                proxy.close()  # detached: this closes the connection itself
