"""A throwaway PostgreSQL 15 server for the test session (and for local benchmarks).

Debian's server refuses to run as root, so as root the cluster belongs to ``postgres``.
The data folder lives outside pytest's tmp_path (initdb wants mode 0700 and its own owner).
The locale must be C.UTF-8: with plain C, Cyrillic trigram search silently finds nothing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.services.core.database import Database


def find_pg_bin() -> Path | None:
    """The folder with initdb/pg_ctl, or None where no PostgreSQL server is installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running server; ``url(db)`` gives a SQLAlchemy URL for one of its databases."""

    bin_dir: Path
    data_dir: Path
    port: int
    user: str
    options: str = ""  # more -c settings, after (and over) the defaults of start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True)

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=256MB -c wal_level=replica"
        )
        if self.options:
            opts = f"{opts} {self.options}"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-o", opts, "-l",
            str(self.data_dir / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_server(bin_dir: Path | None = None, options: str = "") -> PgServer:
    """initdb a fresh cluster in a temporary folder and start it on a free loopback port
    (``options``: more ``-c`` settings)."""
    bin_dir = bin_dir or find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="console-pg-"))
    data = root / "data"
    data.mkdir(mode=0o700)
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    server = PgServer(bin_dir=bin_dir, data_dir=data, port=_free_port(), user=user, options=options)
    server._run(
        "initdb", "-D", str(data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
        "-U", user,
    )  # fmt: skip
    server.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start: see {data / 'server.log'}")


@dataclass
class Standby:
    """A primary and a hot standby streaming from it, and the database the tests use."""

    primary: PgServer
    replica: PgServer
    database: str

    def caught_up(self, timeout: float = 20) -> None:
        """Wait until the standby has replayed everything the primary has written so far."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.primary.port, user=self.primary.user, dbname="postgres",
            autocommit=True,
        ) as conn:  # fmt: skip
            row = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()
            assert row is not None
            target = row[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with psycopg.connect(
                host="127.0.0.1", port=self.replica.port, user=self.replica.user,
                dbname="postgres", autocommit=True,
            ) as conn:  # fmt: skip
                done = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
                ).fetchone()
            if done and done[0]:
                return
            time.sleep(0.05)
        raise RuntimeError("the standby did not catch up")

    def replica_sql(self, statement: str) -> object:
        """One statement on the standby as its superuser (pg_wal_replay_pause(), say)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.replica.port, user=self.replica.user,
            dbname="postgres", autocommit=True,
        ) as conn:  # fmt: skip
            row = conn.execute(statement).fetchone()
            return row[0] if row else None


def start_standby(primary: PgServer) -> PgServer:
    """A hot standby of ``primary``: pg_basebackup -R (streaming, the primary's default
    wal_level=replica and trusted replication from loopback), started on a free port."""
    root = Path(tempfile.mkdtemp(prefix="console-standby-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    standby = PgServer(
        bin_dir=primary.bin_dir, data_dir=data, port=_free_port(), user=primary.user,
        options=primary.options,  # a hot standby needs max_connections & co. >= the primary's
    )  # fmt: skip
    standby._run(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", primary.user,
        "-D", str(data), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    standby.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", standby.port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return standby


def require_server_binaries(what: str) -> None:
    """Skip loudly where no PostgreSQL server is installed; with CI=true that is a failure."""
    import pytest

    if find_pg_bin() is not None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL server binaries not found: {what} (CI=true makes this a failure)")
    pytest.skip(f"PostgreSQL server binaries not found: {what} NOT RUN")


def ask_for_passwords(server: PgServer, auth_delay_ms: int = 0) -> None:
    """Logins over TCP give a SCRAM password (the superuser stays trusted, for set-up).

    With ``auth_delay_ms`` every failed sign-in waits that long (contrib's ``auth_delay``, as the
    deployment notes ask); loading it needs a restart, a plain pg_hba change only a reload.
    """
    (server.data_dir / "pg_hba.conf").write_text(
        "local all all trust\n"
        f"host all {server.user} 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
    )
    if not auth_delay_ms:
        server._run("pg_ctl", "-D", str(server.data_dir), "reload")
        return
    with (server.data_dir / "postgresql.conf").open("a") as conf:
        conf.write(
            "\nshared_preload_libraries = 'auth_delay'\n"
            f"auth_delay.milliseconds = {auth_delay_ms}\n"
            "password_encryption = 'scram-sha-256'\n"
        )
    server.stop("fast")
    server.start()


@contextlib.contextmanager
def scratch_database(
    server: PgServer, name: str = "", *, template: str = "", pool_size: int = 5
) -> Iterator[Database]:
    """A new database on ``server`` (empty, or copied from ``template``), dropped afterwards."""
    from sqlalchemy import text

    from console.services.core.database import Database, create_db_engine

    name = name or f"t_{uuid.uuid4().hex[:12]}"
    copy = f" TEMPLATE {template}" if template else ""
    admin = create_db_engine(server.url("postgres"))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        db = Database(create_db_engine(server.url(name), pool_size=pool_size))
        try:
            yield db
        finally:
            db.dispose()
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
