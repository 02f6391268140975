"""A real PgBouncer (Debian's ``pgbouncer``) in front of a test server, in transaction mode.

It authenticates clients with SCRAM against the server's own password hashes (``auth_query`` on
pg_shadow as the server's superuser), as a deployment does, so every staff login signs in
through it with its own password, and it keeps one pool per (database, login). As root it runs
as ``postgres`` (PgBouncer refuses root). ``admin()`` opens its console (SHOW POOLS).

Also for local benchmarks::

    python -m tests.support.pgbouncer --server-port 55432 [--pool-size 1] [--idle 10]
        [--max-db-connections 60]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADMIN_PASSWORD = "pgbouncer-admin"


def find_pgbouncer() -> str | None:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    return found


def version() -> str:
    binary = find_pgbouncer()
    if binary is None:
        return ""
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.splitlines()[0] if done.stdout else ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgBouncer:
    """A running PgBouncer; ``url(db, login)`` gives a SQLAlchemy URL through it."""

    port: int
    server_port: int
    folder: Path
    process: subprocess.Popen[bytes]
    superuser: str
    settings: dict[str, Any] = field(default_factory=dict)

    def url(self, database: str, login: str = "") -> str:
        return f"postgresql+psycopg://{login or self.superuser}@127.0.0.1:{self.port}/{database}"

    def admin(self, command: str) -> list[dict[str, Any]]:
        """One command on PgBouncer's admin console (simple query protocol), rows as dicts."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(
            host="127.0.0.1", port=self.port, dbname="pgbouncer", user=self.superuser,
            password=ADMIN_PASSWORD, autocommit=True, row_factory=dict_row,
        ) as conn:  # fmt: skip
            cursor = psycopg.ClientCursor(conn, row_factory=dict_row)
            cursor.execute(command.encode(), prepare=False)
            return list(cursor.fetchall()) if cursor.description else []

    def pools(self, database: str) -> list[dict[str, Any]]:
        """SHOW POOLS of one database: a pool per login (user), with its server connections."""
        return [row for row in self.admin("SHOW POOLS") if row["database"] == database]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_pgbouncer(
    server_port: int,
    *,
    superuser: str = "postgres",
    pool_size: int = 1,
    server_idle_timeout: int = 600,
    max_client_conn: int = 2000,
    max_db_connections: int = 0,
) -> PgBouncer:
    """Start PgBouncer in transaction mode in front of 127.0.0.1:``server_port``."""
    binary = find_pgbouncer()
    if binary is None:
        raise RuntimeError("pgbouncer is not installed (apt-get install pgbouncer)")
    folder = Path(tempfile.mkdtemp(prefix="console-pgbouncer-"))
    port = _free_port()
    (folder / "userlist.txt").write_text(f'"{superuser}" "{ADMIN_PASSWORD}"\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host=127.0.0.1 port={server_port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = scram-sha-256\nauth_file = {folder / 'userlist.txt'}\n"
        f"auth_user = {superuser}\n"
        "auth_query = SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = $1\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
        f"max_client_conn = {max_client_conn}\nmax_db_connections = {max_db_connections}\n"
        f"server_idle_timeout = {server_idle_timeout}\n"
        f"admin_users = {superuser}\nstats_users = {superuser}\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        shutil.chown(folder, "postgres")
        for item in folder.iterdir():
            shutil.chown(item, "postgres")
    process = subprocess.Popen(  # noqa: S603 - our own binary and config
        [binary, str(folder / "pgbouncer.ini")],
        user=user,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bouncer = PgBouncer(port, server_port, folder, process, superuser)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (folder / "pgbouncer.log").read_text()
                if (folder / "pgbouncer.log").exists()
                else ""
            )
            bouncer.stop()
            raise RuntimeError(f"pgbouncer exited at start: {log[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return bouncer
        except OSError:
            time.sleep(0.1)
    bouncer.stop()
    raise RuntimeError("pgbouncer did not start")


def require_pgbouncer() -> None:
    """Skip loudly where PgBouncer is not installed; with CI=true that is a failure."""
    import pytest

    if find_pgbouncer() is not None:
        return
    reason = "pgbouncer not found (apt-get install pgbouncer): PgBouncer tests NOT RUN"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI=true makes this a failure)")
    pytest.skip(reason)


def main() -> None:
    parser = argparse.ArgumentParser(description="PgBouncer in transaction mode, for benchmarks")
    parser.add_argument("--server-port", type=int, required=True)
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--idle", type=int, default=600, help="server_idle_timeout, seconds")
    parser.add_argument(
        "--max-db-connections", type=int, default=0, help="max_db_connections (0: no cap)"
    )
    args = parser.parse_args()
    # Stopped with SIGTERM (a background job ignores SIGINT): stop PgBouncer too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    bouncer = start_pgbouncer(
        args.server_port, pool_size=args.pool_size, server_idle_timeout=args.idle,
        max_db_connections=args.max_db_connections,
    )  # fmt: skip
    print(f"{version()} on 127.0.0.1:{bouncer.port} (Ctrl+C stops it)", flush=True)
    print(f"config: {bouncer.folder / 'pgbouncer.ini'}", flush=True)
    try:
        bouncer.process.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        bouncer.stop()


if __name__ == "__main__":
    main()
