"""Many clerks at once against one database: searches, counter payments and audited actions.

    python -m benchmarks.clerks --database URL --clerks 50 --seconds 60

Each simulated clerk is a thread with its own Database (a pool of one connection, like one
desktop) signed in as its own staff member; on PostgreSQL each is a login role in console_clerk,
so the database's own rules apply. A payment is submitted and then submitted again with the same
idempotency key (a retried click). The last line is JSON: {"operations", "p95_ms", "lost",
"duplicates", "conflicts_reported", "ledger_balanced"}; lost/duplicates compare the payments and
audit events each clerk was told were recorded with what the database holds afterwards, and the
ledger is balanced when every payment's ledger entries add up to minus its amount.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, text

from console.models import Account, AuditEvent, Payment
from console.models.enums import PaymentMethod, StaffRole
from console.services import audit, auth, payments, staff
from console.services.actor import SYSTEM, Actor
from console.services.credentials import open_database
from console.services.database import Database, create_db_engine, normalise_url
from console.services.errors import ConflictError, ConsoleError
from console.services.reference_data import ensure_reference_data


@dataclass
class Clerk:
    actor: Actor
    db: Database
    numbers: list[str]
    account_ids: list[int]
    service_id: int
    payment_keys: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    audit_keys: list[str] = field(default_factory=list)
    conflicts: int = 0
    errors: int = 0


def op_search(clerk: Clerk) -> None:
    """Find an account by its number (the lookup service once it is merged)."""
    number = random.choice(clerk.numbers) if clerk.numbers else "0000000000"
    try:
        from console.services import lookup  # type: ignore[attr-defined]
    except ImportError:
        with clerk.db.read() as session:
            session.execute(select(Account.id).where(Account.number == number)).all()
        return
    lookup.search(clerk.db, number, actor=clerk.actor)


def op_audit(clerk: Clerk) -> None:
    """Record an action (what every write does), keyed so none may be lost or doubled."""
    key = uuid.uuid4().hex[:32]
    with clerk.db.transaction() as session:
        audit.record(session, clerk.actor, "bench.action", "bench", key)
    clerk.audit_keys.append(key)


def op_payment(clerk: Clerk) -> None:
    """Take a card payment, then submit the same form again as a retried click would."""
    if not clerk.account_ids:
        return
    key = uuid.uuid4().hex
    amount = Decimal(random.randint(100, 5000))
    form = payments.PaymentForm(
        account_id=random.choice(clerk.account_ids),
        total=amount,
        allocations={clerk.service_id: amount},
        method=PaymentMethod.CARD,
        confirmed=True,
    )
    first = payments.take_payment(clerk.db, clerk.actor, form, key)
    clerk.payment_keys.append(key)
    again = payments.take_payment(clerk.db, clerk.actor, form, key)
    assert again.payment_id == first.payment_id and again.replayed


OPERATIONS: list[tuple[Callable[[Clerk], None], int]] = [
    (op_search, 4),
    (op_payment, 2),
    (op_audit, 1),
]


def prepare(url: str, clerks: int) -> tuple[list[Clerk], Database]:
    owner = open_database(url)
    with owner.transaction() as session:
        ensure_reference_data(session)
    with owner.read() as session:
        numbers = list(session.scalars(select(Account.number).limit(2000)))
        account_ids = list(session.scalars(select(Account.id).limit(2000)))
        service_id = payments.main_service_id(session)
    made, existing = [], {m.login for m in staff.list_staff(owner)}
    for n in range(clerks):
        login, password = f"bench_clerk_{n:03d}", secrets.token_urlsafe(16)
        if login in existing:
            staff.set_password(owner, SYSTEM, login, password)
        else:
            staff.add_staff(owner, SYSTEM, login, StaffRole.CLERK, "TMN-1", password)
        if owner.is_postgres:
            parsed = normalise_url(url).set(username=login)
            db = Database(create_db_engine(parsed, password=password, pool_size=1))
            actor = auth.current_actor(db, workstation=f"bench-{n}")
        else:
            db = owner
            actor = auth.authenticate(owner, login, password, workstation=f"bench-{n}")
        made.append(Clerk(actor, db, numbers, account_ids, service_id))
    return made, owner


def run_clerk(clerk: Clerk, deadline: float) -> None:
    ops = [op for op, weight in OPERATIONS for _ in range(weight)]
    while time.monotonic() < deadline:
        op = random.choice(ops)
        started = time.perf_counter()
        try:
            op(clerk)
        except ConflictError:
            clerk.conflicts += 1
        except ConsoleError:
            clerk.errors += 1
        clerk.latencies_ms.append((time.perf_counter() - started) * 1000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    clerks, owner = prepare(args.database, args.clerks)
    deadline = time.monotonic() + args.seconds
    threads = [threading.Thread(target=run_clerk, args=(c, deadline)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = [k for c in clerks for k in c.audit_keys]
    with owner.read() as session:
        found = dict(
            session.execute(
                select(AuditEvent.entity_id, func.count())
                .where(AuditEvent.action == "bench.action", AuditEvent.entity_id.in_(keys))
                .group_by(AuditEvent.entity_id)
            ).all()
        ) if keys else {}  # fmt: skip
        pay_keys = [k for c in clerks for k in c.payment_keys]
        paid = dict(
            session.execute(
                select(Payment.idempotency_key, func.count())
                .where(Payment.idempotency_key.in_(pay_keys))
                .group_by(Payment.idempotency_key)
            ).all()
        ) if pay_keys else {}  # fmt: skip
        unbalanced = session.scalar(
            text(
                # ROUND: SQLite keeps NUMERIC as binary floats
                "SELECT count(*) FROM payments p WHERE ROUND(p.amount + COALESCE((SELECT"
                " sum(l.amount) FROM ledger_entries l WHERE l.payment_id = p.id), 0), 2) <> 0"
            )
        )
    latencies = sorted(ms for c in clerks for ms in c.latencies_ms)
    p95 = (
        statistics.quantiles(latencies, n=20)[18]
        if len(latencies) >= 20
        else max(latencies, default=0)
    )
    for c in clerks:
        if c.db is not owner:
            c.db.dispose()
    owner.dispose()
    print(
        json.dumps(
            {
                "operations": len(latencies),
                "p95_ms": round(p95, 1),
                "lost": sum(1 for k in keys if k not in found)
                + sum(1 for k in pay_keys if k not in paid),
                "duplicates": sum(n - 1 for n in found.values())
                + sum(n - 1 for n in paid.values()),
                "payments": len(pay_keys),
                "conflicts_reported": sum(c.conflicts for c in clerks),
                "errors": sum(c.errors for c in clerks),
                "ledger_balanced": unbalanced == 0,
                "clerks": len(clerks),
                "seconds": args.seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
