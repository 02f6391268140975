"""Concurrent appeal registration on a throwaway PostgreSQL: throughput and gap-free numbers.

Usage: python benchmarks/appeal_numbers.py [--threads 8] [--each 50]
Prints one JSON line: registrations, threads, seconds, per second, p95 ms, gaps, duplicates.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.models.enums import AppealChannel, StaffRole  # noqa: E402
from console.services.appeals import catalog, intake
from console.services.core import schema
from console.services.core.database import Database, create_db_engine  # noqa: E402
from tests.support.factories import make_staff  # noqa: E402
from tests.support.pgserver import start_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--each", type=int, default=50)
    args = parser.parse_args()
    server = start_server()
    try:
        db = Database(create_db_engine(server.url("postgres"), pool_size=args.threads))
        schema.upgrade(db)
        clerks = [make_staff(db, f"bench{i}", StaffRole.CLERK) for i in range(args.threads)]
        topic = catalog.topics(db)[0].id
        form = intake.AppealDraft(
            AppealChannel.IN_PERSON,
            topic,
            "Иванов Пётр",
            "Вопрос по начислению",
            phone="89123456789",
        )
        numbers: list[int] = []
        timings: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.threads)

        def work(i: int) -> None:
            barrier.wait()
            for _ in range(args.each):
                t0 = time.perf_counter()
                done = intake.register(db, clerks[i], form)
                elapsed = time.perf_counter() - t0
                with lock:
                    numbers.append(int(done.number.rsplit("-", 1)[1]))
                    timings.append(elapsed)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
        db.dispose()
    finally:
        server.destroy()
    total = args.threads * args.each
    timings.sort()
    print(
        json.dumps(
            {
                "registrations": total,
                "threads": args.threads,
                "seconds": round(seconds, 3),
                "per_second": round(total / seconds, 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                "gaps": len(set(range(1, total + 1)) - set(numbers)),
                "duplicates": len(numbers) - len(set(numbers)),
            }
        )
    )


if __name__ == "__main__":
    main()
