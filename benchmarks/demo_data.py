"""Benchmark: load N demo accounts with their history; one JSON line of figures at the end.

    python benchmarks/demo_data.py --database postgresql+psycopg://u@host:5432/db --accounts 1000

The database should be empty (it is migrated first). The loader's phases (COPY done, indexes
built, analysed, per connection) go to standard error as they happen. Prints
{"accounts", "seconds", "rows": {table: n}, "rows_total", "rows_per_second", "client_cpu_s"}:
client_cpu_s is the CPU time of this process and its generator processes (not the server's).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.services.core import schema
from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.demo import api


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="generator processes")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(relativeCreated)8.0f ms  %(message)s")
    logging.getLogger("console.services.demo").setLevel(logging.INFO)
    db = Database(create_db_engine(args.database))
    try:
        schema.upgrade(db)
        progress = api.TerminalProgress() if sys.stderr.isatty() else None
        started = time.perf_counter()
        summary = api.generate(
            db, accounts=args.accounts, seed=args.seed, progress=progress, workers=args.workers
        )
        seconds = time.perf_counter() - started
    finally:
        db.dispose()
    figures = {
        "accounts": summary.accounts,
        "seconds": round(seconds, 1),
        "rows": summary.rows,
        "rows_total": summary.total_rows,
        "rows_per_second": round(summary.total_rows / seconds),
        "client_cpu_s": round(_cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN), 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":  # worker processes are spawned: they must not run this again
    raise SystemExit(main())
