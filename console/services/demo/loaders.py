"""Bulk writers: COPY on PostgreSQL, executemany on SQLite.

PostgreSQL: measured here on 100 000 accounts (8.5 M rows), COPY with every secondary index in
place cost 89 s of server CPU; without them 44 s, and building them afterwards 12–22 s. So each
loading transaction drops the secondary indexes (GIN trigram ones included) of its tables,
COPYs, builds them again and gathers the planner's statistics (ANALYZE) before it commits: a
failed or killed load leaves nothing behind, not even a dropped index. One server process per
connection is the bottleneck, so when foreign key triggers may be skipped (see ``_Lane``) the
tables are split over two connections — two transactions committed together at the very end.
SQLite: one transaction, executemany."""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from typing import Any

from console.services.core.database import Database
from console.services.demo.context import TABLES
from console.services.demo.rows import COLUMNS
from console.services.privacy.identity import SEAL_STAGED_SQL, plain_identities

log = logging.getLogger(__name__)
NULL = "\\N"
# Tables per connection when loading in parallel. The COPYs keep both cores busy whichever way
# they are split; the index builds after them do not, so the split evens those out (a million
# accounts: 102 s and 85 s with meters and holders on the first side; 99–116 s and 90–106 s
# in three runs as it is; the two GIN trigram indexes take 46 s of the first).
LANES = (
    ("premises", "customers", "customer_identities", "accounts", "charges"),
    ("account_holders", "meters", "readings", "payments", "payment_allocations",
     "ledger_entries", "account_statements"),
)  # fmt: skip
_DONE = None
# Passports and birth dates arrive plain in a temporary table of the lane's transaction and
# are sealed into customer_identities by one INSERT … SELECT after the COPYs (the keys never
# leave the server; see migration 0006). A million accounts' 1.27 M identities: about 11 s.
_IDENTITIES = "customer_identities"
_STAGING = "pd_staging"
_STAGING_TABLE = f"""
CREATE TEMPORARY TABLE {_STAGING} (customer_id integer, series text, number text,
    issued_by text, issued_on date, division_code text, snils text, birth_date date)
ON COMMIT DROP
"""

# Dropped: every index no foreign key depends on, primary keys included. A primary key's B-tree
# took 28 % of a COPY's CPU; built after it, the tables nobody refers to (readings, statements,
# allocations, holders) loaded a million accounts in 576 s against 603–604 s.
# Rebuilt in this order: GIN first, since PostgreSQL 15 builds a GIN index in one process and a
# B-tree with parallel workers, so the lane that finishes last can use the other lane's core.
_SECONDARY_INDEXES = """
SELECT t.relname, ic.relname, pg_get_indexdef(i.indexrelid), c.conname,
       pg_get_constraintdef(c.oid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = current_schema()
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('u', 'p')
WHERE t.relname = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
ORDER BY am.amname = 'btree', t.relname, ic.relname
"""


class _Lane(threading.Thread):
    """One connection and its transaction: drops the indexes of its tables, COPYs the blocks
    it is handed, and builds the indexes again; the loader commits it."""

    def __init__(self, db: Database, tables: tuple[str, ...]) -> None:
        super().__init__(name=f"demo-copy-{tables[0]}", daemon=True)
        self.tables = tables
        self.raw = db.engine.raw_connection()
        self.conn: Any = self.raw.driver_connection
        assert self.conn is not None
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.restore: list[str] = []
        cur = self.conn.cursor()
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL synchronous_commit = off")
        # Foreign keys are checked by a trigger query per row: most of a load's cost. The ids
        # are consistent by construction, so a role allowed to (a superuser, or one granted
        # SET ON PARAMETER session_replication_role) skips them; anyone else loads slower.
        try:
            with self.conn.transaction():
                cur.execute("SET LOCAL session_replication_role = replica")
            self.unchecked = True
        except Exception as err:  # noqa: BLE001 - a missing privilege only costs speed
            log.info("foreign keys stay checked during the load: %s", err)
            self.unchecked = False

    def drop_indexes(self) -> None:
        cur = self.conn.cursor()
        if _IDENTITIES in self.tables:
            cur.execute(_STAGING_TABLE)
        cur.execute(_SECONDARY_INDEXES, (list(self.tables),))
        for table, index, index_def, constraint, constraint_def in cur.fetchall():
            if constraint:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                self.restore.append(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_def}'
                )
            else:
                cur.execute(f'DROP INDEX "{index}"')
                self.restore.append(index_def)

    def run(self) -> None:
        cur = self.conn.cursor()
        try:
            while (tables := self.inbox.get()) is not _DONE:
                if self.error is None:
                    for table in self.tables:
                        if data := tables[table]:
                            target = _STAGING if table == _IDENTITIES else table
                            with cur.copy(f"COPY {target} ({COLUMNS[table]}) FROM STDIN") as copy:
                                copy.write(data)
            if self.error is None:
                copied = time.perf_counter()
                log.info("%s: COPY done", self.name)
                if _IDENTITIES in self.tables:
                    cur.execute(SEAL_STAGED_SQL.format(staging=_STAGING))
                    log.info("%s: identities sealed in %.1f s", self.name,
                             time.perf_counter() - copied)  # fmt: skip
                for statement in self.restore:
                    cur.execute(statement)
                log.info("%s: indexes built in %.1f s", self.name, time.perf_counter() - copied)
                for table in self.tables:
                    if table == _IDENTITIES:  # keyed by customer, no sequence
                        continue
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
                # Statistics in the same transaction (it counts its own rows as live), while
                # the other lane may still be building indexes: no core waits for the other.
                analyzed = time.perf_counter()
                cur.execute(f"ANALYZE {', '.join(self.tables)}")
                log.info("%s: analyzed in %.1f s", self.name, time.perf_counter() - analyzed)
        except BaseException as err:  # noqa: BLE001 - handed over to the loading thread
            self.error = err
            while self.inbox.get() is not _DONE:  # let the producer finish putting
                pass


class PostgresLoader:
    """Blocks of COPY text (bytes per table) go to every lane; each lane takes its tables."""

    encoded = True

    def __init__(self, db: Database, parallel: bool = True) -> None:
        self.db = db
        first = _Lane(db, TABLES)
        if parallel and first.unchecked:
            # Parallel only without FK checks: a lane cannot see the other's uncommitted rows.
            first.conn.rollback()
            first.raw.close()
            self.lanes = [_Lane(db, tables) for tables in LANES]
        else:
            self.lanes = [first]

    def prepare(self) -> None:
        for lane in self.lanes:
            lane.drop_indexes()
            lane.start()

    def write(self, tables: dict[str, Any]) -> None:
        for lane in self.lanes:
            if lane.error is not None:
                raise lane.error
            lane.inbox.put(tables)

    def _stop(self) -> None:
        for lane in self.lanes:
            if lane.is_alive():
                lane.inbox.put(_DONE)
        for lane in self.lanes:
            if lane.is_alive():
                lane.join()

    def finish(self) -> None:
        self._stop()
        for lane in self.lanes:
            if lane.error is not None:
                raise lane.error
        for lane in self.lanes:  # the only moment the two transactions are not one
            lane.conn.commit()
        for lane in self.lanes:
            lane.raw.close()

    def abort(self) -> None:
        for lane in self.lanes:  # skip whatever is still queued
            lane.error = lane.error or RuntimeError("загрузка прервана")
        self._stop()
        for lane in self.lanes:
            try:
                lane.conn.rollback()
            finally:
                lane.raw.close()


_ROWS_PER_INSERT = 100


_SQLITE_COLUMNS = {**COLUMNS, _IDENTITIES: "customer_id, passport_hash, sealed"}


@functools.cache
def _insert(table: str, rows: int) -> str:
    columns = _SQLITE_COLUMNS[table]
    row = "(" + ", ".join("?" * (columns.count(",") + 1)) + ")"
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"


class SqliteLoader:
    """Multi-row INSERTs of the same lines split back into values (SQLite converts the text).

    Not executemany(): SQLite evaluates each enum column's CHECK (… IN (…)) by building a
    lookup table per statement run, which made one row cost 13 µs instead of 6."""

    encoded = False

    def __init__(self, db: Database) -> None:
        self._raw = db.engine.raw_connection()
        self.conn: Any = self._raw.driver_connection
        self._hash_key = b""

    def prepare(self) -> None:
        self.conn.execute("BEGIN")
        self._hash_key = self.conn.execute(
            "SELECT value FROM console_secrets WHERE name = 'pd_hash'"
        ).fetchone()[0]

    def write(self, tables: dict[str, Any]) -> None:
        for table in TABLES:
            lines = tables[table]
            width = COLUMNS[table].count(",") + 1
            values = [None if v == NULL else v for line in lines for v in line[:-1].split("\t")]
            if table == _IDENTITIES:
                values = plain_identities(self._hash_key, values, width)
                width = 3
            step = _ROWS_PER_INSERT * width
            for start in range(0, len(values), step):
                chunk = values[start : start + step]
                self.conn.execute(_insert(table, len(chunk) // width), chunk)

    def finish(self) -> None:
        self.conn.commit()
        self.conn.execute("ANALYZE")
        self._raw.close()

    def abort(self) -> None:
        try:
            self.conn.rollback()
        finally:
            self._raw.close()
