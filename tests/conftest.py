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

from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.core.reference_data import ensure_reference_data  # noqa: E402
from console.services.core.schema import upgrade  # noqa: E402
from console.services.staff.members import resolve_actor  # noqa: E402
from console.settings import load_settings  # noqa: E402
from console.views.common.context import ViewContext  # noqa: E402
from console.views.common.tasks import TaskRunner  # noqa: E402
from tests.support.kkt_process import KktEmulator  # noqa: E402
from tests.support.memory_keyring import MemoryKeyring  # noqa: E402
from tests.support.pgbouncer import PgBouncer, require_pgbouncer, start_pgbouncer  # noqa: E402
from tests.support.pgserver import (  # noqa: E402
    PgServer,
    Standby,
    find_pg_bin,
    require_server_binaries,
    scratch_database,
    start_server,
    start_standby,
)
from tests.support.xserver import XServer, missing_tools, start_xvfb  # noqa: E402

keyring.set_keyring(MemoryKeyring())

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_DATA, ignore_errors=True)


#: Fixtures that start or use the session's PostgreSQL servers.
POSTGRES_FIXTURES = frozenset(
    {"pg_server", "pg_template", "pg_db", "hostile_server", "hostile", "pgbouncer", "standby"}
)
#: Fixtures that start a real PgBouncer / a primary with a streaming hot standby.
PGBOUNCER_FIXTURES = frozenset({"pgbouncer", "standby_bouncers"})
STANDBY_FIXTURES = frozenset({"standby"})


@pytest.fixture(scope="session")
def xserver() -> Iterator[XServer]:
    """A real X server of an office monitor's size (1366×768) for real key presses."""
    missing = missing_tools()
    if missing:
        reason = f"{', '.join(missing)} not installed: real-keyboard tests NOT RUN"
        if IN_CI:
            pytest.fail(reason + " (CI=true makes this a failure)")
        pytest.skip(reason)
    with start_xvfb() as server:
        yield server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the slow tests (the bundle build); CI=true does this by itself",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by what it needs before ``-m`` selects, so ``-m "not postgres"`` and
    ``-m "not qt"`` do what they say; leave the slow ones out of a developer's run."""
    run_slow = IN_CI or config.getoption("--run-slow") or "slow" in (config.option.markexpr or "")
    kept: list[pytest.Item] = []
    skipped: list[pytest.Item] = []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        if names & POSTGRES_FIXTURES or "postgres" in params:
            item.add_marker(pytest.mark.postgres)
        if names & PGBOUNCER_FIXTURES:
            item.add_marker(pytest.mark.pgbouncer)
        if names & STANDBY_FIXTURES:
            item.add_marker(pytest.mark.standby)
        if "qtbot" in names:
            item.add_marker(pytest.mark.qt)
        if "xserver" in names:
            item.add_marker(pytest.mark.xserver)
        if item.get_closest_marker("slow") and not run_slow:
            skipped.append(item)
        else:
            kept.append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept


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
def pgbouncer(pg_server: PgServer) -> Iterator[PgBouncer]:
    """Debian's PgBouncer in transaction mode in front of the session's server: SCRAM against
    the server's own password hashes, one server connection per (database, login) pool.
    Skipped loudly where pgbouncer is not installed; with CI=true that is a failure."""
    require_pgbouncer()
    bouncer = start_pgbouncer(pg_server.port, pool_size=1)
    try:
        yield bouncer
    finally:
        bouncer.stop()


@pytest.fixture(scope="session")
def standby() -> Iterator[Standby]:
    """A primary of its own (wal_level=replica) and a hot standby streaming from it
    (pg_basebackup -R), on two ports, with a migrated database ``console_rr``."""
    require_server_binaries("replica tests")
    # As a deployment runs it: a commit returns once its WAL is flushed, and so on its way to
    # the standby (the session's server turns that off for speed).
    primary = start_server(options="-c synchronous_commit=on")
    try:
        admin = create_db_engine(primary.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CREATE DATABASE console_rr"))
        admin.dispose()
        owner = Database(create_db_engine(primary.url("console_rr")))
        upgrade(owner)
        with owner.transaction() as session:
            ensure_reference_data(session)
        owner.dispose()
        replica = start_standby(primary)
        try:
            yield Standby(primary, replica, "console_rr")
        finally:
            replica.destroy()
    finally:
        primary.destroy()


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
        return request.getfixturevalue("pg_db")  # type: ignore[no-any-return]
    return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]


@pytest.fixture
def view_context(sqlite_db: Database, qtbot) -> Iterator[ViewContext]:  # type: ignore[no-untyped-def]
    """What app.bootstrap() hands a window, on a fresh SQLite database with reference data."""
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    settings = load_settings(str(sqlite_db.engine.url))
    actor = resolve_actor(sqlite_db, "admin", "TMN-1", "test-desk")
    tasks = TaskRunner()
    yield ViewContext(db=sqlite_db, settings=settings, actor=actor, tasks=tasks)
    tasks.shutdown()


@pytest.fixture(autouse=True)
def _no_unsaved_question_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """«Закрыть без сохранения?» is a modal box: in widget tests (and their teardown, which
    closes every window) it answers «Да» unless a test answers it itself. The real-keyboard
    tests run their dialogs in another process, where the box is real."""
    from console.views.common.unsaved import UnsavedGuard

    monkeypatch.setattr(UnsavedGuard, "asker", staticmethod(lambda parent: True))


@pytest.fixture
def kkt_emulator(tmp_path: Path) -> Iterator[KktEmulator]:
    """A ККТ emulator (ATOL web server API) in its own process, stopped after the test."""
    emulator = KktEmulator(tmp_path / "kkt-journal.jsonl").start()
    try:
        yield emulator
    finally:
        emulator.kill()
