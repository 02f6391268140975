"""Loading a bank registry and taking counter payments on SQLite: prints one JSON line.

Run: /work/venv/bin/python benchmarks/payment_registry.py [--accounts 300] [--lines 3000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.models.enums import PaymentMethod, StaffRole  # noqa: E402
from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.core.schema import upgrade  # noqa: E402
from console.services.payments import counter, registry
from console.services.staff.actor import SYSTEM  # noqa: E402
from tests.support.factories import add_charge, make_account, make_staff  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--payments", type=int, default=200)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="bench-pay-")) / "bench.sqlite3"
    db = Database(create_db_engine(f"sqlite:///{path}"))
    upgrade(db)
    clerk = make_staff(db, "bench", StaffRole.CLERK)
    numbers = []
    for _ in range(args.accounts):
        acc = make_account(db)
        add_charge(db, acc.account_id, Decimal("734.60"))
        add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
        numbers.append((acc.account_id, acc.number))
    lines = [
        f"{i};05.11.2026;{numbers[i % len(numbers)][1]};{100 + i % 900},{i % 100:02d};Плательщик"
        for i in range(args.lines)
    ]
    content = "\n".join(lines).encode("cp1251")
    started = time.perf_counter()
    report = registry.import_registry(db, SYSTEM, content)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = registry.import_registry(db, SYSTEM, content)
    second = time.perf_counter() - started
    assert report.applied == args.lines and again.applied == 0
    timings = []
    for i in range(args.payments):
        account_id = numbers[i % len(numbers)][0]
        dues = counter.account_dues(db, account_id)
        total = Decimal("500.00")
        form = counter.PaymentForm(account_id, total, counter.split(total, dues.dues()),
                                    PaymentMethod.CARD, confirmed=True)  # fmt: skip
        t0 = time.perf_counter()
        counter.take_payment(db, clerk, form, uuid.uuid4().hex)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    print(json.dumps({
        "database": "sqlite", "registry_lines": args.lines,
        "import_s": round(first, 3), "lines_per_s": round(args.lines / first),
        "reimport_s": round(second, 3),
        "take_payment_median_ms": round(timings[len(timings) // 2] * 1000, 2),
        "take_payment_p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
