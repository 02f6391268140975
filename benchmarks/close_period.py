"""Benchmark of the billing run on PostgreSQL: close consecutive months for N accounts.

    python benchmarks/close_period.py --database URL [--accounts 1000000] [--months 4]

With ``--accounts`` on an empty database it first fills it set-based (accounts, premises,
meters — 5 % of accounts without one, 10 % two-zone, 3 % with an expired verification — and
monthly readings for 85 % of the meters), then closes ``--months`` consecutive months with the
real service and times each close. On a database that already has accounts (demo data) it just
closes the next ``--months`` periods. The last line is JSON with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from console.services.billing import run
from console.services.core import schema
from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.core.formatting import add_months  # noqa: E402
from console.services.core.reference_data import ensure_reference_data  # noqa: E402
from console.services.staff.actor import SYSTEM  # noqa: E402

FIRST = dt.date(2026, 6, 1)

FILL = [
    """INSERT INTO premises (id, region_id, settlement_type, settlement, settlement_kind,
           street_type, street, house, flat, area, rooms, residents, stove_type, search_text,
           version)
       SELECT g, (SELECT id FROM regions WHERE code = '72'), 'г.', 'Тюмень', 'urban', 'ул.',
              'Улица ' || (g % 900), (g % 150 + 1)::text, (g % 200 + 1)::text, 54.3,
              g % 4 + 1, g % 5, 'gas', 'тюмень улица ' || g, 1
       FROM generate_series(1, :n) AS g""",
    """INSERT INTO accounts (id, number, supplier_id, premise_id, category, status,
           bill_delivery, opened_on, version)
       SELECT g, '72' || lpad(g::text, 8, '0'), (SELECT id FROM suppliers WHERE code = 'VOS'),
              g, (ARRAY['urban_gas_stove', 'urban_electric_stove', 'rural'])[g % 3 + 1],
              'active', 'paper', DATE '2019-01-01', 1
       FROM generate_series(1, :n) AS g""",
    """INSERT INTO meters (id, account_id, serial, model, kind, zones, digits,
           transformation_ratio, installed_on, last_verified_on, next_verification_on, status,
           version)
       SELECT g, g, 'B' || g, 'СОЭБ 2 ПДР', 'individual', CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END,
              6, 1, DATE '2019-01-01', DATE '2019-01-01',
              CASE WHEN g % 33 = 0 THEN DATE '2026-07-15' ELSE DATE '2035-01-01' END, 'active', 1
       FROM generate_series(1, :n) AS g WHERE g % 20 <> 0""",
    """INSERT INTO readings (meter_id, zone, value, taken_on, entered_at, period, source,
           status, is_rollover)
       SELECT m.id, z, 1000 + (k + 1) * (100 + m.id % 80) + z * 7,
              (CAST(:first AS date) + make_interval(months => k)
               + (m.id % 20 + 3) * INTERVAL '1 day')::date,
              now(), (CAST(:first AS date) + make_interval(months => k))::date, 'office',
              'accepted', false
       FROM meters m CROSS JOIN generate_series(0, :months - 1) AS k
       CROSS JOIN LATERAL generate_series(1, m.zones) AS z
       WHERE (m.id::bigint * 7919 + k * 104729) % 100 < 85""",
    "SELECT setval('premises_id_seq', (SELECT max(id) FROM premises))",
    "SELECT setval('accounts_id_seq', (SELECT max(id) FROM accounts))",
    "SELECT setval('meters_id_seq', (SELECT max(id) FROM meters))",
]


def fill(db: Database, accounts: int, months: int) -> float:
    started = time.perf_counter()
    with db.transaction() as session:
        ensure_reference_data(session)
    with db.engine.begin() as conn:
        for statement in FILL:
            conn.execute(text(statement), {"n": accounts, "months": months, "first": FIRST})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def _first_open(db: Database) -> dt.date:
    """The month after the last closed one; before any close, the month of the first reading."""
    with db.engine.connect() as conn:
        closed = conn.execute(
            text("SELECT max(period) FROM billing_periods WHERE status = 'closed'")
        ).scalar_one()
        earliest = conn.execute(text("SELECT min(period) FROM readings")).scalar_one()
    if closed is not None:
        return add_months(closed, 1)
    return earliest or run.next_period_to_close(db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="postgresql://… (a throwaway database)")
    parser.add_argument("--accounts", type=int, default=0, help="fill an empty database first")
    parser.add_argument("--months", type=int, default=4, help="consecutive months to close")
    args = parser.parse_args()
    db = Database(create_db_engine(args.database, pool_size=2))
    schema.upgrade(db)
    with db.engine.connect() as conn:
        existing = conn.execute(text("SELECT count(*) FROM accounts")).scalar_one()
    fill_seconds = None
    first = FIRST
    if existing == 0 and args.accounts:
        fill_seconds = fill(db, args.accounts, args.months)
    else:
        first = _first_open(db)
    closes: list[dict[str, Any]] = []
    period = first
    for _ in range(args.months):
        result = run.close_period(db, SYSTEM, period, today=add_months(period, 1))
        closes.append(result.as_json())
        print(result.describe(), f"({result.seconds:.1f} с)", file=sys.stderr)
        period = add_months(period, 1)
    db.dispose()
    last = closes[-1]
    print(json.dumps({
        "accounts": last["accounts"], "months_closed": len(closes),
        "fill_seconds": round(fill_seconds, 1) if fill_seconds is not None else None,
        "close_seconds": [c["seconds"] for c in closes], "last_close_seconds": last["seconds"],
        "last_by_method": last["by_method"], "last_charges": last["charges"],
        "last_recalculated": last["recalculated"],
        "accounts_per_second": round(int(last["accounts"]) / float(last["seconds"]))
        if last["seconds"] else None,
        "target_seconds_for_1m": 300,
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
