"""generate(): reference data, staff and periods through the ORM, then the accounts and their
history in blocks — built by worker processes for big loads — through a bulk loader."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Generator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from console.models.enums import AuditAction
from console.services.core.database import Database
from console.services.core.errors import ConsoleError, ValidationError
from console.services.core.reference_data import ensure_reference_data
from console.services.core.words import plural
from console.services.demo.block import build_block
from console.services.demo.context import (
    MAX_ACCOUNTS,
    TABLES,
    Context,
    build_context,
    ensure_periods,
    ensure_staff,
)
from console.services.demo.loaders import NULL, PostgresLoader, SqliteLoader
from console.services.demo.presence import has_accounts
from console.services.demo.progress import Progress
from console.services.staff import audit
from console.services.staff.actor import SYSTEM

log = logging.getLogger(__name__)

BLOCK_SIZE = 1000  # accounts per block; part of what the seed means, so never change lightly
PARALLEL_FROM = 20_000  # below this, worker processes cost more than they save


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


@dataclass(frozen=True)
class DemoSummary:
    """What a demo-data load did."""

    accounts: int
    seed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        accounts = plural(self.accounts, "лицевой счёт", "лицевых счёта", "лицевых счетов")
        rows = plural(self.total_rows, "строка", "строки", "строк")
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        return (
            f"Демонстрационные данные загружены: {_number(self.accounts)} {accounts} с историей "
            f"за год — {_number(self.total_rows)} {rows} за {seconds} с (зерно {self.seed})."
        )


_worker_ctx: Context | None = None


def _init_worker(ctx: Context) -> None:
    global _worker_ctx
    _worker_ctx = ctx
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the loading process's to handle


def _encoded_block(index: int) -> tuple[dict[str, bytes], dict[str, int]]:
    assert _worker_ctx is not None
    tables = build_block(_worker_ctx, index, NULL)
    return {t: "".join(v).encode() for t, v in tables.items()}, {
        t: len(v) for t, v in tables.items()
    }


def _blocks(
    ctx: Context, encoded: bool, workers: int
) -> Generator[tuple[dict[str, Any], dict[str, int]], None, None]:
    """Blocks in order; with workers, at most two blocks per worker wait in memory."""
    count = -(-ctx.accounts // ctx.block_size)
    if workers <= 1:
        for index in range(count):
            tables = build_block(ctx, index, NULL)
            counts = {t: len(v) for t, v in tables.items()}
            yield (
                ({t: "".join(v).encode() for t, v in tables.items()} if encoded else tables),
                counts,
            )
        return
    spawn = multiprocessing.get_context("spawn")  # fork would copy the engine's connections
    pool = ProcessPoolExecutor(workers, mp_context=spawn, initializer=_init_worker, initargs=(ctx,))
    try:
        pending: deque[Future[tuple[dict[str, bytes], dict[str, int]]]] = deque()
        submitted = 0
        while submitted < count or pending:
            while submitted < count and len(pending) < 2 * workers:
                pending.append(pool.submit(_encoded_block, submitted))
                submitted += 1
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def generate(
    db: Database,
    *,
    accounts: int,
    seed: int = 1,
    progress: Progress | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
) -> DemoSummary:
    """Fill an empty database with ``accounts`` demo accounts and a year of their history."""
    if not 0 < accounts <= MAX_ACCOUNTS:
        raise ValidationError(
            f"Число лицевых счетов должно быть от 1 до {_number(MAX_ACCOUNTS)}, "
            f"а указано {accounts}.",
            "accounts",
        )
    if has_accounts(db):
        raise ConsoleError(
            "В базе уже есть лицевые счета: "
            "демонстрационные данные загружаются только в пустую базу."
        )
    started = time.perf_counter()
    today = today or dt.date.today()
    log.info("demo data: %d accounts (seed %d) into %s", accounts, seed, db.describe())
    with db.transaction() as session:
        ensure_reference_data(session)
        ensure_staff(session, seed)
        ensure_periods(session, today.replace(day=1))
    with db.read() as session:
        ctx = build_context(
            session, seed=seed, accounts=accounts, today=today, block_size=BLOCK_SIZE,
            ts_suffix="+00" if db.is_postgres else ".000000",
        )  # fmt: skip
    if not db.is_postgres:
        workers = 1  # SQLite writes in this process anyway; small loads gain nothing
    elif workers is None:
        workers = min(2, os.cpu_count() or 1) if accounts >= PARALLEL_FROM else 1
    loader = PostgresLoader(db) if db.is_postgres else SqliteLoader(db)
    rows = dict.fromkeys(TABLES, 0)
    if progress:
        progress.start(accounts, "Демоданные")
    try:
        loader.prepare()
        with closing(_blocks(ctx, loader.encoded, workers)) as blocks:
            for tables, counts in blocks:
                loader.write(tables)
                for name, n in counts.items():
                    rows[name] += n
                if progress:
                    progress.advance(counts["accounts"])
        loader.finish()
    except BaseException:
        log.warning("demo data load stopped; rolling back", exc_info=True)
        loader.abort()
        raise
    finally:
        if progress:
            progress.finish()
    with db.transaction() as session:
        audit.record(
            session, SYSTEM, AuditAction.DEMO_DATA_GENERATE, "database",
            after={"accounts": accounts, "seed": seed, "today": today, "rows": sum(rows.values())},
        )  # fmt: skip
    seconds = time.perf_counter() - started
    log.info("demo data loaded: %d accounts, %d rows, %.1fs", accounts, sum(rows.values()), seconds)
    return DemoSummary(accounts, seed, seconds, rows)
