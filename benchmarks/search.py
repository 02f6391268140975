"""Lookup and card-open speed on a filled database, against the same SQL run raw as the floor.

    python -m benchmarks.search --database URL [--queries 60] [--seed 7]

Picks a fixed (seeded) sample of accounts and derives realistic queries of each kind from them:
the full account number, the meter serial, six digits from inside a number, "street house-flat",
a surname with initials, the phone written "8 (9xx) xxx-xx-xx". Each query goes through
``lookup.search`` (what the window calls); the SQL it sent is captured and replayed straight
through the driver connection (psycopg in autocommit, or sqlite3) with the same parameters:
that is the floor.
Card open = the header (``load_card``) plus the default tab (periods and the charges table).
The last line is JSON: {"accounts", "kinds": {kind: {"p50_ms", "p95_ms", "raw_p50_ms",
"raw_p95_ms", "n", "found"}}, "card_open": {"p50_ms", "p95_ms"}}.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from console.services.account import card, charges
from console.services.core.database import Database
from console.services.lookup.search import search
from console.services.staff.credentials import open_database

KINDS = ("account_exact", "serial_exact", "account_fragment", "address", "surname", "phone")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def sample(db: Database, count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` accounts spread over the id range, with what a clerk would type for them."""
    rng = random.Random(seed)
    with db.read() as session:
        low, high = session.execute(text("SELECT MIN(id), MAX(id) FROM accounts")).one()
        if low is None:
            raise SystemExit("В базе нет лицевых счетов: заполните её «console demo-data».")
        ids = sorted({rng.randint(low, high) for _ in range(count * 3)})
        rows = session.execute(
            text(
                """
                SELECT a.id, a.number, p.street, p.house, p.flat, p.settlement,
                       c.last_name, c.first_name, c.middle_name, c.phone,
                       (SELECT MIN(m.serial) FROM meters m WHERE m.account_id = a.id) AS serial
                FROM accounts a
                JOIN premises p ON p.id = a.premise_id
                LEFT JOIN account_holders ah ON ah.account_id = a.id AND ah.is_primary
                LEFT JOIN customers c ON c.id = ah.customer_id
                WHERE a.id IN ({})
                """.format(",".join(str(i) for i in ids))  # integers we made: no injection
            )
        ).all()
    picked = [dict(r._mapping) for r in rows]
    rng.shuffle(picked)
    return picked[:count]


def queries_for(kind: str, accounts: list[dict[str, Any]], rng: random.Random) -> list[str]:
    found: list[str] = []
    for a in accounts:
        if kind == "account_exact":
            found.append(a["number"])
        elif kind == "serial_exact" and a["serial"]:
            found.append(a["serial"])
        elif kind == "account_fragment" and len(a["number"]) >= 8:
            start = rng.randint(1, len(a["number"]) - 6)
            found.append(a["number"][start : start + 6])
        elif kind == "address" and a["street"]:
            flat = f"-{a['flat']}" if a["flat"] else ""
            found.append(f"{a['street'].lower()} {a['house']}{flat}")
        elif kind == "surname" and a["last_name"]:
            initials = "".join(f"{p[0]}." for p in (a["first_name"], a["middle_name"]) if p)
            found.append(f"{a['last_name']} {initials}".strip())
        elif kind == "phone" and a["phone"] and len(a["phone"]) == 12:
            p = a["phone"]
            found.append(f"8 ({p[2:5]}) {p[5:8]}-{p[8:10]}-{p[10:12]}")
    return found


class Recorder:
    """Captures the statements the lookup sends to the driver, to replay them bare."""

    def __init__(self, db: Database) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.on = False
        db.lookup_line.trace = self._seen

    def _seen(self, statement: str, params: Any) -> None:
        if self.on:
            self.statements.append((statement, params))

    def capture(self, fn: Callable[[], Any]) -> tuple[float, list[tuple[str, Any]]]:
        self.statements, self.on = [], True
        started = time.perf_counter()
        try:
            fn()
        finally:
            self.on = False
        return (time.perf_counter() - started) * 1000, self.statements


def replay(raw: Any, statements: list[tuple[str, Any]]) -> float:
    """Run the captured statements on the bare driver connection: on PostgreSQL in autocommit
    (no BEGIN/COMMIT round trips, prepared statements kept — the least that SQL can cost)."""
    started = time.perf_counter()
    cursor = raw.cursor()
    for statement, params in statements:
        cursor.execute(statement, params)
        if cursor.description is not None:
            cursor.fetchall()
    cursor.close()
    if not getattr(raw, "autocommit", False):
        raw.commit()  # SQLite; a rollback would also drop psycopg's prepared statements
    return (time.perf_counter() - started) * 1000


def card_open(db: Database, account_id: int) -> None:
    card.load_card(db, account_id)
    periods = charges.periods(db, account_id)
    if periods:
        charges.charges_table(db, account_id, periods[0])


def _append_search(result: list[Any], db: Database, query: str) -> None:
    result.append(search(db, query))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the queries")
    args = parser.parse_args(argv)

    db = open_database(args.database, pool_size=1)
    with db.read() as session:
        total = int(session.execute(text("SELECT COUNT(*) FROM accounts")).scalar_one())
    rng = random.Random(args.seed)
    accounts = sample(db, args.queries, args.seed)
    recorder = Recorder(db)
    pool_conn = db.engine.raw_connection()  # a second connection, only ever used raw
    raw = pool_conn.driver_connection
    assert raw is not None
    if db.is_postgres:
        raw.autocommit = True
    figures: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        queries = queries_for(kind, accounts, rng)
        captured: dict[str, list[tuple[str, Any]]] = {}
        for q in queries:  # prepared statements and the SQL to replay, untimed
            captured[q] = recorder.capture(functools.partial(search, db, q))[1]
            replay(raw, captured[q])
        service_ms: list[float] = []
        raw_ms: list[float] = []
        found = 0
        for round_ in range(args.rounds):
            for i, q in enumerate(queries):
                # Whoever runs second finds the pages the first one read in the buffer cache:
                # alternate the order so neither side gets the warm cache every time.
                raw_first = (i + round_) % 2 == 1
                statements = captured[q]
                if raw_first:
                    raw_ms.append(replay(raw, statements))
                result: list[Any] = []
                elapsed, _ = recorder.capture(functools.partial(_append_search, result, db, q))
                service_ms.append(elapsed)
                if not raw_first:
                    raw_ms.append(replay(raw, statements))
                found += bool(result[0].rows)
        figures[kind] = {
            "p50_ms": round(statistics.median(service_ms), 3) if service_ms else 0.0,
            "p95_ms": round(percentile(service_ms, 0.95), 3),
            "raw_p50_ms": round(statistics.median(raw_ms), 3) if raw_ms else 0.0,
            "raw_p95_ms": round(percentile(raw_ms, 0.95), 3),
            "n": len(service_ms),
            "found": found,
        }
        print(f"{kind:18} {json.dumps(figures[kind])}", file=sys.stderr)
    card_ms: list[float] = []
    for a in accounts:
        card_open(db, a["id"])  # warm
    for _ in range(args.rounds):
        for a in accounts:
            started = time.perf_counter()
            card_open(db, a["id"])
            card_ms.append((time.perf_counter() - started) * 1000)
    pool_conn.close()
    db.dispose()
    print(
        json.dumps(
            {
                "accounts": total,
                "kinds": figures,
                "card_open": {
                    "p50_ms": round(statistics.median(card_ms), 3),
                    "p95_ms": round(percentile(card_ms, 0.95), 3),
                },
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
