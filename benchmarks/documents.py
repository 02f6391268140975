"""Payment documents: one document (ms) and a batch of 1 000 in one PDF (s), on SQLite.

Run from the repository root: ``python benchmarks/documents.py [--accounts 1000]``.
Goals (issue 6): one document ≤ 50 ms, 1 000 documents ≤ 10 s. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.models.enums import StaffRole  # noqa: E402
from console.services.documents import batch, data, payment_document  # noqa: E402
from tests.support.factories import make_staff  # noqa: E402
from tests.support.print_batch import PERIOD as PERIOD  # noqa: E402
from tests.support.print_batch import seed  # noqa: E402

#: The billed demo database (one home: tests/support/print_batch.py, also the printing tests').
build = seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        db = build(Path(folder) / "bench.sqlite3", args.accounts)
        setup_s = time.perf_counter() - started
        boss = make_staff(db, "bench-boss", StaffRole.SUPERVISOR)
        payment_document.render([data.gather(db, 1, PERIOD)])  # fonts, caches: warm up once

        singles, singles_cpu = [], []
        for account_id in range(1, 31):
            t0, c0 = time.perf_counter(), time.process_time()
            payment_document.render([data.gather(db, account_id, PERIOD)])
            singles.append((time.perf_counter() - t0) * 1000)
            singles_cpu.append((time.process_time() - c0) * 1000)

        # Wall time suffers when other jobs share the cores; CPU time shows the work itself.
        t0, c0 = time.perf_counter(), time.process_time()
        ids = batch.select_accounts(db, PERIOD, batch.BatchSelection())
        result = batch.render_batch(db, boss, PERIOD, ids)
        batch_s, batch_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        assert result.pdf is not None and result.pages == args.accounts
        db.dispose()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else ""
    figures = {
        "load_average_1min": load,
        "accounts": args.accounts,
        "setup_s": round(setup_s, 1),
        "one_document_ms_median": round(statistics.median(singles), 1),
        "one_document_ms_max": round(max(singles), 1),
        "one_document_cpu_ms_median": round(statistics.median(singles_cpu), 1),
        "batch_s": round(batch_s, 2),
        "batch_cpu_s": round(batch_cpu_s, 2),
        "batch_ms_per_page": round(batch_s * 1000 / args.accounts, 2),
        "batch_pdf_mb": round(len(result.pdf) / 1e6, 2),
        "goal_one_document_ms": 50,
        "goal_batch_1000_s": 10,
    }
    print(
        f"Один документ: медиана {figures['one_document_ms_median']} мс; "
        f"пакет {args.accounts}: {figures['batch_s']} с"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
