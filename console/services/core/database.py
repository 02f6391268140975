"""Engine and transactions: the one way services reach the shared database."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from console.services.core.errors import (
    ConflictError,
    ConsoleError,
    DatabaseUnavailableError,
    DatabaseWriteError,
    PermissionDeniedError,
)
from console.services.core.lookup_line import LookupLine

log = logging.getLogger(__name__)


def fold(text: str | None) -> str | None:
    """Case-fold for search the way a clerk expects: any case, ё = е."""
    if text is None:
        return None
    return text.casefold().replace("ё", "е")


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # SQLite's lower()/LIKE fold ASCII only; give SQL a Unicode-aware fold.
    dbapi_conn.create_function("casefold", 1, fold, deterministic=True)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def normalise_url(url: str) -> URL:
    """Parse a database URL; plain ``postgresql://`` means psycopg 3."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as err:
        raise ConsoleError(f"Неверный адрес базы данных: {url!r}") from err
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not (parsed.drivername.startswith("sqlite") or parsed.drivername == "postgresql+psycopg"):
        raise ConsoleError(
            f"Поддерживаются только SQLite и PostgreSQL, а указано «{parsed.drivername}»."
        )
    return parsed


SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def create_db_engine(
    url: str | URL,
    *,
    password: str | None = None,
    pool_size: int = 2,
    connect_timeout: int = 5,
    sslmode: str = "",
    sslrootcert: str = "",
    prepared_statements: bool = True,
) -> Engine:
    """Build an engine. The password, if any, comes from the keyring or a prompt, never the URL.

    ``sslmode``/``sslrootcert`` go to libpq as they are (``verify-full`` checks the server's
    certificate against ``sslrootcert`` and its host name). ``prepared_statements=False`` is
    for a transaction-mode PgBouncer that cannot carry them (Settings.db_prepared_statements).
    """
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 10},
            hide_parameters=True,  # statement parameters carry customers' data: not in errors
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        _log_connections(engine)
        return engine
    if password is not None:
        parsed = parsed.set(password=password)
    connect_args: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "application_name": "service-console",
    }
    if not prepared_statements:
        connect_args["prepare_threshold"] = None
    if sslmode:
        if sslmode not in SSL_MODES:
            raise ConsoleError(f"Неверный режим TLS «{sslmode}»: допустимы {', '.join(SSL_MODES)}.")
        connect_args["sslmode"] = sslmode
    if sslrootcert:
        connect_args["sslrootcert"] = sslrootcert
    engine = create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=2,
        pool_recycle=1800,
        pool_pre_ping=True,  # a restarted server or a dropped link costs the clerk nothing
        connect_args=connect_args,
        hide_parameters=True,  # statement parameters carry customers' data: not in errors/logs
    )
    _log_connections(engine)
    return engine


def _log_connections(engine: Engine) -> None:
    """The log's account of the link: the first connection, connections lost and made again."""
    where = engine.url.render_as_string(hide_password=True)
    lost = [False]

    def first_connect(_dbapi_conn: Any, _record: Any) -> None:
        log.info("connected to %s", where)

    def connect(_dbapi_conn: Any, _record: Any) -> None:
        if lost[0]:
            lost[0] = False
            log.info("reconnected to %s", where)

    def invalidate(_dbapi_conn: Any, _record: Any, error: BaseException | None) -> None:
        lost[0] = True
        reason = type(error).__name__ if error is not None else "closed"
        log.warning("connection to %s lost (%s); the next use reconnects", where, reason)

    event.listen(engine, "first_connect", first_connect)
    event.listen(engine, "connect", connect)
    event.listen(engine, "invalidate", invalidate)


class Database:
    """An engine and its session factory; ``transaction()`` is the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._lookup_line: LookupLine | None = None

    @property
    def dialect(self) -> str:
        """The dialect name: postgresql or sqlite."""
        return self.engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def describe(self) -> str:
        """Where the database is, for the status bar (no password)."""
        url = self.engine.url
        if url.drivername.startswith("sqlite"):
            return f"SQLite: {url.database}"
        host = f"{url.host or 'localhost'}:{url.port or 5432}"
        return f"PostgreSQL: {url.username or ''}@{host}/{url.database}"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any error, translate DB errors."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except exc.OperationalError as err:
            if err.connection_invalidated or _is_disconnect(err):
                log.warning("transaction lost its database connection (%s)", type(err).__name__)
                raise DatabaseUnavailableError(
                    "Нет связи с базой данных. Введённые данные сохранены — повторите попытку."
                ) from err
            failure = storage_failure(err)
            if failure is not None:
                raise failure from err
            raise
        except StaleDataError as err:
            raise ConflictError(
                "Данные изменены другим сотрудником. Обновите карточку и повторите ввод."
            ) from err
        except exc.DBAPIError as err:
            denied = permission_denied(err)
            if denied is not None:
                raise denied from err
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit: one snapshot, nothing written.

        On PostgreSQL the transaction is opened READ ONLY (psycopg sends "BEGIN READ ONLY": no
        extra round trip), so the server refuses a write by mistake, and it ends with COMMIT
        rather than ROLLBACK: psycopg discards its prepared statements on every rollback, and
        re-planning is most of what an exact lookup costs (a million accounts: 0.5 ms prepared,
        2.5 ms planned each time)."""
        session = self._sessions()
        try:
            with _read_connection_lost():
                if self.is_postgres:
                    session.connection(execution_options={"postgresql_readonly": True})
                yield session
                session.commit()
        finally:
            session.close()

    @property
    def lookup_line(self) -> LookupLine:
        """The lookup's own connection for stand-alone read statements (see lookup_line)."""
        if self._lookup_line is None:
            self._lookup_line = LookupLine(self.engine)
        return self._lookup_line

    def dispose(self) -> None:
        if self._lookup_line is not None:
            self._lookup_line.close()
        self.engine.dispose()


@contextmanager
def _read_connection_lost() -> Iterator[None]:
    """A read that lost its connection: the Russian DatabaseUnavailableError, nothing else."""
    try:
        yield
    except exc.OperationalError as err:
        if _is_disconnect(err):
            log.warning("read lost its database connection (%s)", type(err).__name__)
            raise DatabaseUnavailableError(
                "Нет связи с базой данных. Повторите попытку позже."
            ) from err
        raise


def permission_denied(err: exc.DBAPIError) -> PermissionDeniedError | None:
    """The server refused for lack of rights (SQLSTATE 42501): a Russian PermissionDeniedError.

    The guards of migration 0002 raise Russian sentences; a bare GRANT refusal is in English
    (or the server's language), so it gets a general Russian sentence instead.
    """
    if getattr(err.orig, "sqlstate", None) != "42501":
        return None
    diag = getattr(err.orig, "diag", None)
    primary = str(getattr(diag, "message_primary", "") or "")
    if any("а" <= ch.lower() <= "я" for ch in primary):
        return PermissionDeniedError(primary)
    return PermissionDeniedError(
        "Недостаточно прав: база данных не разрешает вашей роли это действие. "
        "Обратитесь к руководителю офиса или администратору."
    )


#: (what the driver says, in lower case) → the Russian sentence; SQLite's and PostgreSQL's words.
_STORAGE_FAILURES = (
    (("readonly database", "read-only file system"),
     "База данных открыта только для чтения (файл или папка защищены от записи): "
     "изменения не сохранены. Проверьте права на файл базы данных."),
    (("disk is full", "no space left", "disk full", "could not extend file"),
     "На диске базы данных закончилось место: изменения не сохранены. Освободите место "
     "и повторите."),
    (("unable to open database file",),
     "Не удалось открыть файл базы данных: проверьте путь и права на папку."),
    (("database is locked",),
     "База данных занята другой программой: изменения не сохранены, повторите позже."),
    (("file is not a database", "malformed"),
     "Файл базы данных повреждён или это не база данных пульта."),
)  # fmt: skip


def storage_failure(err: BaseException) -> DatabaseWriteError | None:
    """A database that cannot store (read-only, full disk, locked, not a database): the Russian
    sentence, never the driver's text (it may quote the statement). None for anything else."""
    orig = getattr(err, "orig", err)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "53100":
        return DatabaseWriteError(_STORAGE_FAILURES[1][1])
    said = str(orig).lower()
    for words, sentence in _STORAGE_FAILURES:
        if any(word in said for word in words):
            return DatabaseWriteError(sentence)
    return None


def _is_disconnect(err: exc.DBAPIError) -> bool:
    return (
        bool(getattr(err, "connection_invalidated", False)) or "connection" in str(err.orig).lower()
    )
