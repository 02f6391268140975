"""Counter payments with a ККТ: time from «Принять оплату» to the rendered receipt.

Each of ``--payments`` payments runs what the payment dialog runs — take the payment (its
cheque committed pending), send the cheque to the ККТ emulator (tests/support/kkt_emulator.py,
its own process over HTTP, journal fsynced per request), then render the receipt PDF with the
cheque's fiscal attributes — on SQLite. Fails (exit 1) if any cheque is missing, doubled or
unregistered. The last line is JSON.

Run from the repository root: ``python benchmarks/kkt_payments.py [--payments 200]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.models.enums import PaymentMethod, StaffRole  # noqa: E402
from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.core.schema import upgrade  # noqa: E402
from console.services.documents import receipt  # noqa: E402
from console.services.fiscal.factory import cash_register  # noqa: E402
from console.services.payments import counter  # noqa: E402
from console.settings import Settings  # noqa: E402
from tests.support.factories import add_charge, make_account, make_staff  # noqa: E402
from tests.support.kkt_process import KktEmulator  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=200)
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        emulator = KktEmulator(Path(folder) / "kkt.jsonl").start()
        db = Database(create_db_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}"))
        try:
            upgrade(db)
            clerk = make_staff(db, "bench-kassa", StaffRole.CLERK)
            accounts = [make_account(db, number=f"72{i:08d}") for i in range(20)]
            for acc in accounts:
                add_charge(db, acc.account_id, Decimal("686.00"))
                add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
            settings = Settings(kkt_url=emulator.url, kkt_timeout_s=5, receipt_width_mm=80)
            kkt = cash_register(settings)
            times: list[float] = []
            for n in range(args.payments):
                acc = accounts[n % len(accounts)]
                dues = counter.account_dues(db, acc.account_id)
                total = Decimal("500.00") + n
                form = counter.PaymentForm(
                    acc.account_id, total, counter.split(total, dues.dues()),
                    PaymentMethod.CASH, cash_received=total + 100, confirmed=True,
                    customer_contact="ivanova@mail.ru" if n % 2 else "",
                )  # fmt: skip
                t0 = time.perf_counter()
                taken = counter.take_payment_with_cheque(db, kkt, clerk, form, f"b{n}", settings)
                pdf = receipt.receipt_pdf(db, clerk, taken.payment.payment_id, 80)
                times.append((time.perf_counter() - t0) * 1000)
                if taken.cheque is None or not taken.cheque.registered:
                    failures.append(f"payment {n}: cheque not registered")
                if not pdf.startswith(b"%PDF"):
                    failures.append(f"payment {n}: no PDF")
            printed = emulator.journal()
            if len(printed) != args.payments or len({p["uuid"] for p in printed}) != len(printed):
                failures.append(f"{len(printed)} cheques in the ККТ for {args.payments} payments")
        finally:
            db.dispose()
            emulator.kill()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else ""
    figures = {
        "benchmark": "kkt_payments",
        "load_average_1min": load,
        "payments": args.payments,
        "take_to_receipt_ms_p50": round(statistics.median(times), 1),
        "take_to_receipt_ms_p95": round(p95(times), 1),
        "take_to_receipt_ms_max": round(max(times), 1),
        "failures": failures[:5],
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
