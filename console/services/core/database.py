"""Engine and transactions: the one way services reach the shared database."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
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
from console.services.core.replicas import WRITTEN_SQL, ReadRouter, ReadRouting, Replica

if TYPE_CHECKING:
    from console.settings import Settings

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
    pooler: str = "auto",
    pooler_prepared_statements: bool = False,
) -> Engine:
    """Build an engine. The password, if any, comes from the keyring or a prompt, never the URL.

    ``sslmode``/``sslrootcert`` go to libpq as they are (``verify-full`` checks the server's
    certificate against ``sslrootcert`` and its host name). ``prepared_statements=False``
    prepares nothing anywhere (Settings.db_prepared_statements). ``pooler`` (Settings.db_pooler):
    behind a transaction-mode pooler each new connection turns psycopg's prepared statements
    off, unless ``pooler_prepared_statements`` says the pooler carries them; "auto" finds the
    pooler out on each new connection (see :func:`behind_pooler`).
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
    if pooler not in ("auto", "transaction", "none"):
        raise ConsoleError(f"Неверный режим пулера «{pooler}»: допустимы auto, transaction, none.")
    if pooler != "none":
        event.listen(engine, "connect", _pooler_hook(pooler, pooler_prepared_statements))
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


def _pooler_hook(mode: str, keep_prepared: bool) -> Any:
    def on_connect(dbapi_conn: Any, record: Any) -> None:
        pooled = mode == "transaction" or behind_pooler(dbapi_conn)
        record.info["pooler"] = pooled
        if pooled and not keep_prepared:
            # A prepared statement lives in one server session; a transaction-mode pooler hands
            # that session to another desk after COMMIT ("_pg3_0" already exists / does not exist).
            dbapi_conn.prepare_threshold = None

    return on_connect


def behind_pooler(dbapi_conn: Any) -> bool:
    """Whether a fresh psycopg connection talks to the server through a pooler.

    The server tells libpq its backend pid and cancel key at start-up (BackendKeyData). A pooler
    that shares server connections cannot pass those on — a client's cancel request must reach
    whichever server connection runs its query at that moment — so it makes up a key of its own
    (PgBouncer: 8 random bytes). The pid libpq holds then differs from ``pg_backend_pid()``.
    One round trip per new connection; the answer is kept in the pool's record (``pooler``)."""
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("SELECT pg_catalog.pg_backend_pid()")
        row = cursor.fetchone()
    finally:
        cursor.close()
        dbapi_conn.rollback()
    return bool(row is not None and row[0] != dbapi_conn.info.backend_pid)


def connect_database(
    settings: Settings, url: str | URL, *, password: str | None, pool_size: int
) -> Database:
    """The Database a desk works in: ``url`` (with the login) and, from the settings, TLS, the
    pooler, prepared statements and the read replicas (same login and password)."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    options: dict[str, Any] = {
        "password": password,
        "pool_size": pool_size,
        "sslmode": settings.db_sslmode,
        "sslrootcert": settings.db_sslrootcert,
        "prepared_statements": settings.db_prepared_statements,
        "pooler": settings.db_pooler,
        "pooler_prepared_statements": settings.db_pooler_prepared_statements,
    }
    primary = create_db_engine(parsed, connect_timeout=settings.db_connect_timeout_s, **options)
    if parsed.drivername.startswith("sqlite") or not settings.db_read_urls:
        return Database(primary)
    replicas = [
        # A replica that does not answer at once is not worth a clerk's wait: the primary is.
        create_db_engine(
            replica_url(read_url, parsed),
            connect_timeout=min(2, settings.db_connect_timeout_s),
            **options,
        )  # fmt: skip
        for read_url in settings.db_read_urls
    ]
    routing = ReadRouting(
        max_lag_s=settings.db_replica_max_lag_s,
        wait_s=settings.db_replica_wait_ms / 1000,
        retry_s=settings.db_replica_retry_s,
    )
    return Database(primary, replicas=replicas, routing=routing)


def replica_url(read_url: str, primary: URL) -> URL:
    """A replica's address with the primary's login (and database, when none is given)."""
    given = normalise_url(read_url)
    if given.password:
        raise ConsoleError("Пароль в адресе резервной копии базы не допускается.")
    return primary.set(
        host=given.host, port=given.port, database=given.database or primary.database,
        query=given.query or primary.query,
    )  # fmt: skip


class Database:
    """An engine and its session factory; ``transaction()`` is the unit of work."""

    def __init__(
        self,
        engine: Engine,
        *,
        replicas: Sequence[Engine] = (),
        routing: ReadRouting | None = None,
    ) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self._lookup_line: LookupLine | None = None
        self.router = (
            ReadRouter([Replica(e) for e in replicas], routing or ReadRouting())
            if replicas
            else None
        )
        self._replica_sessions = {
            id(e): sessionmaker(e, expire_on_commit=False, autoflush=True) for e in replicas
        }
        self._replica_lines: dict[int, LookupLine] = {}

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
            if self.router is not None:
                self.router.wrote(_written_position(session))
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
            if _read_only_server(err):
                raise DatabaseUnavailableError(
                    "Сервер базы данных сейчас только для чтения (резервная копия или "
                    "переключение серверов): действие, которое записывает в базу, не выполнено. "
                    "Укажите в настройках основной сервер или повторите попытку позже."
                ) from err
            raise
        finally:
            session.close()

    @property
    def read_note(self) -> str:
        """Why reads go to the primary although replicas are configured ("" when they don't)."""
        return self.router.note if self.router is not None else ""

    @property
    def behind_pooler(self) -> bool:
        """Whether the primary's connections go through a transaction-mode pooler."""
        if not self.is_postgres:
            return False
        with self.engine.connect() as conn:
            return bool(conn.connection.info.get("pooler"))

    @contextmanager
    def read(self, *, primary: bool = False) -> Iterator[Session]:
        """A read-only unit: one snapshot, nothing written.

        On PostgreSQL the transaction is opened READ ONLY (psycopg sends "BEGIN READ ONLY": no
        extra round trip), so the server refuses a write by mistake, and it ends with COMMIT
        rather than ROLLBACK: psycopg discards its prepared statements on every rollback, and
        re-planning is most of what an exact lookup costs (a million accounts: 0.5 ms prepared,
        2.5 ms planned each time).

        With read replicas the unit runs on one that is up, close behind and has this desk's
        writes (see replicas), else on the primary; ``primary=True`` always reads the primary
        (sign-in: who the login is must not come from a copy)."""
        session = self._replica_read() if self.router is not None and not primary else None
        opened = session is not None
        if self.router is not None and not primary:
            self.router.served["replica" if opened else "primary"] += 1
        if session is None:
            session = self._sessions()
        try:
            with _read_connection_lost():
                if self.is_postgres and not opened:
                    session.connection(execution_options={"postgresql_readonly": True})
                yield session
                session.commit()
        finally:
            session.close()

    def _replica_read(self) -> Session | None:
        """A read-only session on a replica fit to read from now, or None (read the primary)."""
        assert self.router is not None
        for replica in self.router.candidates():
            session = self._replica_sessions[id(replica.engine)]()
            try:
                conn = session.connection(execution_options={"postgresql_readonly": True})
                if self.router.usable(replica, partial(_one_row, conn)):
                    return session
            except exc.DBAPIError:
                self.router.went_down(replica)  # unreachable, or not a server it can read
            session.close()
        return None

    @property
    def lookup_line(self) -> LookupLine:
        """The lookup's own connection for stand-alone read statements (see lookup_line): on a
        replica fit to read from now when there are replicas (chosen per access), else the
        primary's."""
        if self.router is not None:
            for replica in self.router.candidates():
                line = self._replica_lines.get(id(replica.engine))
                if line is None:
                    line = self._replica_lines[id(replica.engine)] = LookupLine(replica.engine)
                try:
                    if self.router.usable(replica, partial(_first_row, line)):
                        self.router.served["replica"] += 1
                        return line
                except (DatabaseUnavailableError, exc.DBAPIError):
                    self.router.went_down(replica)
            self.router.served["primary"] += 1
        if self._lookup_line is None:
            self._lookup_line = LookupLine(self.engine)
        return self._lookup_line

    def dispose(self) -> None:
        if self._lookup_line is not None:
            self._lookup_line.close()
        for line in self._replica_lines.values():
            line.close()
        for replica in self.router.replicas if self.router is not None else ():
            replica.engine.dispose()
        self.engine.dispose()


def _read_only_server(err: exc.DBAPIError) -> bool:
    """A hot standby refused a write: "cannot set transaction read-write mode during recovery"
    (0A000) at BEGIN, or "cannot execute … in a read-only transaction" (25006)."""
    state = getattr(err.orig, "sqlstate", None)
    return state == "25006" or (state == "0A000" and "recovery" in str(err.orig))


def _one_row(conn: Connection, sql: str) -> Sequence[Any]:
    return conn.exec_driver_sql(sql).one()


def _first_row(line: LookupLine, sql: str) -> Sequence[Any]:
    return line.fetch(sql, {})[0]


def _written_position(session: Session) -> int | None:
    """After a commit: the primary's WAL position at or after it (None when it cannot say)."""
    try:
        value = session.execute(text(WRITTEN_SQL)).scalar()
    except exc.DBAPIError:
        return None  # the write stands; until asked again every read goes to the primary
    return int(value) if value is not None else None


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
