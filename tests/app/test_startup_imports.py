"""A warm start loads only what the window needs (issue 2: the window in under 2 s warm).

Each of these libraries costs a tenth to a third of a second to import and is needed only when a
sub-command, a migration, a printout or a stored password is actually used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from console.services.core.database import Database
from tests.support.factories import make_account

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = ("alembic", "keyring", "psycopg", "reportlab", "openpyxl", "console.commands.")

PROBE = """
import json, sys
import console.app

def window(settings):  # stands in for the window: what has start-up imported by now?
    db = console.app.open_database(settings.database_url)
    console.app.prepare_embedded(db)
    db.dispose()
    prefixes = tuple(sys.argv[1].split(","))
    print(json.dumps(sorted({m.split(".")[0] if not m.startswith("console.") else m
                             for m in sys.modules if m.startswith(prefixes)})))
    return 0

console.app.bootstrap = window
from console.cli import main
raise SystemExit(main(["--database", sys.argv[2]]))
"""


def imported_at_start(prefixes: tuple[str, ...], url: str) -> list[str]:
    """Start ``console --database URL`` in a fresh Python; the modules it has imported by the
    time the window would open, among ``prefixes``."""
    env = {k: v for k, v in os.environ.items() if k != "CONSOLE_DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(prefixes), url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_a_warm_start_imports_no_migration_printing_or_keyring_code(sqlite_db: Database) -> None:
    make_account(sqlite_db)  # migrated and not empty: the warm start of every working day
    url = sqlite_db.engine.url.render_as_string()
    sqlite_db.dispose()
    assert imported_at_start(NOT_AT_START, url) == []


def test_the_probe_sees_what_a_cold_start_imports(tmp_path: Path) -> None:
    """The same probe on an empty database: migrating imports Alembic (the probe can fail)."""
    assert imported_at_start(("alembic",), f"sqlite:///{tmp_path / 'cold.sqlite3'}") == ["alembic"]
