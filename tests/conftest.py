"""Test session: offscreen Qt, an isolated data folder, an in-memory keyring, and both databases.

``db`` runs a test on the embedded SQLite and on a real PostgreSQL 15 that this session starts
itself. Where no PostgreSQL is installed those tests are skipped loudly — and with CI=true a
missing server is an error, not a skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Must be set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_DATA = Path(tempfile.mkdtemp(prefix="console-test-data-"))
os.environ["CONSOLE_DATA_DIR"] = str(_DATA)
os.environ["CONSOLE_CONFIG"] = str(_DATA / "no-settings.toml")
os.environ.pop("CONSOLE_DATABASE_URL", None)

import keyring  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from console.services.database import Database, create_db_engine  # noqa: E402
from console.services.schema import upgrade  # noqa: E402
from tests.support.memory_keyring import MemoryKeyring  # noqa: E402
from tests.support.pgserver import (  # noqa: E402
    PgServer,
    find_pg_bin,
    scratch_database,
    start_server,
)

keyring.set_keyring(MemoryKeyring())

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_DATA, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL 15 for the whole session."""
    if find_pg_bin() is None:
        reason = "PostgreSQL server binaries not found: PostgreSQL tests NOT RUN"
        if IN_CI:
            pytest.fail(reason + " (CI=true makes this a failure)")
        pytest.skip(reason)
    server = start_server()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A migrated database that each test's database is copied from."""
    admin = create_db_engine(pg_server.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE DATABASE console_template"))
    admin.dispose()
    template = Database(create_db_engine(pg_server.url("console_template")))
    upgrade(template)
    template.dispose()
    return "console_template"


@pytest.fixture
def pg_db(pg_server: PgServer, pg_template: str) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database for one test."""
    with scratch_database(pg_server, template=pg_template) as db:
        yield db


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    template = Database(create_db_engine(f"sqlite:///{path}"))
    upgrade(template)
    template.dispose()
    return path


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database file for one test."""
    path = tmp_path / "console.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = Database(create_db_engine(f"sqlite:///{path}"))
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Database:
    """The same test on the embedded SQLite and on the real PostgreSQL."""
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
        return request.getfixturevalue("pg_db")  # type: ignore[no-any-return]
    return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]
