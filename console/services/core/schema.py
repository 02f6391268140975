"""Creating and migrating the schema with Alembic, and checking it is current.

Alembic is imported only when a migration runs: a warm start compares the database's
``alembic_version`` with HEAD_REVISION and never loads it (about 0.3 s of start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exc, text

from console.services.core.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

#: The newest revision under console/migrations/versions. A test checks it against Alembic's
#: own head, so a new migration without this line updated fails the suite.
HEAD_REVISION = "0013_reversal_by_another"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The head as Alembic computes it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision stamped in the database; None for an empty database."""
    with db.engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except exc.DBAPIError:  # no alembic_version table yet: nothing migrated
            return None


def upgrade(db: Database, revision: str = "head") -> None:
    """Create or migrate the schema to ``revision``; running it twice is harmless."""
    from alembic import command

    cfg = alembic_config()
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A migration that rebuilds a table (SQLite's batch mode: copy, drop, rename) must
            # run with foreign keys off, or dropping a table others refer to fails. SQLite
            # ignores the pragma inside a transaction, so it is set before; the references
            # are checked before the commit instead, and the pragma is on again after.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade_if_needed(db: Database) -> bool:
    """Migrate only when the database is behind; True when a migration ran."""
    if is_current(db):
        return False
    upgrade(db)
    return True


def is_current(db: Database) -> bool:
    return current_revision(db) == HEAD_REVISION
