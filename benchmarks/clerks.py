"""Many clerks at once against one database: they search, enter readings, take payments,
register appeals and edit the same customers.

    python -m benchmarks.clerks --database URL --clerks 50 --seconds 60 [--think 1] [--processes 2]
        [--pooler auto|transaction|none] [--no-prepared-statements] [--read-url URL ...]
        [--watch-url URL] [--postmaster-pid PID]

The clerks connect the way the console does: the settings are the console's own
(``load_settings``: settings.toml, CONSOLE_* variables), the options above override their
``db_pooler``, ``db_prepared_statements`` and ``db_read_urls``, and each clerk signs in with
``auth.connect_as`` (its own login, a pool of one connection, the replicas of the settings).

A clerk pauses between operations (exponentially, mean ``--think`` seconds: a person at the
counter does not click faster than that; ``--think 0`` is a stress test). The clerks are spread
over ``--processes`` worker processes so that one Python's GIL does not stand in for fifty
desktops. Each simulated clerk is a thread with its own Database (a pool of one connection, like one
desktop) signed in as its own staff member; on PostgreSQL each is a login role in console_clerk,
so the database's own rules apply. Payments, readings and appeals are submitted and then
submitted again with the same idempotency key (a retried click after a lost answer). Readings
and customer edits go to a small shared set of accounts and customers, so clerks do collide.

Nothing can fail quietly: any exception in a clerk counts as an error (its type is printed, never
its text, which may hold personal data), a clerk thread that dies or a desk that cannot sign in is
an error, and the run exits with status 1 when errors, lost, duplicates or lost_updates are above
zero or the ledger is not balanced. Refusals the rules give a clerk (ValidationError: an
implausible reading, say) are counted apart as ``refused``; conflicts as ``conflicts_reported``.
``--sabotage`` makes one clerk's thread die on purpose, to show that it is seen.

The last line is JSON: {"operations", "p95_ms", "lost", "duplicates", "conflicts_reported",
"ledger_balanced", "lost_updates", ...}. ``server_connections`` is what the server saw of the
clerks' logins (pg_stat_activity, sampled each second through ``--watch-url``, default the
database URL): the most at once and the mean. With ``--postmaster-pid`` (a server on this
machine) ``server`` holds the server's CPU seconds, the bytes its processes read and wrote, and
WAL bytes and commits over the run. lost/duplicates compare every payment, reading, appeal
and audit event a clerk was told was recorded with what the database holds afterwards; the ledger
is balanced when every payment's ledger entries add up to minus its amount; lost_updates counts
customers whose version moved by other than the number of saves reported as done.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import secrets
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, text

from console.models import Account, AccountHolder, Appeal, AuditEvent, Customer, Payment, Reading
from console.models.enums import AppealChannel, AuditAction, PaymentMethod, StaffRole
from console.services.appeals import catalog, intake
from console.services.core.database import Database
from console.services.core.errors import ConflictError, ValidationError
from console.services.core.reference_data import ensure_reference_data
from console.services.lookup import search
from console.services.payments import counter
from console.services.readings import entry
from console.services.registration import edit as registration_edit
from console.services.staff import audit, auth, members
from console.services.staff.actor import SYSTEM, Actor
from console.services.staff.credentials import open_database
from console.settings import Settings, load_settings


@dataclass
class Shared:
    """What all clerks work on together: a few busy accounts and customers, the appeal topics."""

    reading_accounts: list[int]
    customers: list[int]
    topics: list[int]
    saves: dict[int, int] = field(default_factory=dict)  # customer id → edits reported saved
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Clerk:
    actor: Actor
    db: Database
    numbers: list[str]
    account_ids: list[int]
    service_id: int
    shared: Shared
    payment_keys: list[str] = field(default_factory=list)
    reading_keys: list[str] = field(default_factory=list)
    appeal_keys: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    audit_keys: list[str] = field(default_factory=list)
    conflicts: int = 0
    refused: int = 0
    errors: int = 0
    error_samples: set[str] = field(default_factory=set)
    finished: bool = False
    doomed: bool = False  # --sabotage


def op_search(clerk: Clerk) -> None:
    """Find an account by its number, as typed into the search box."""
    number = random.choice(clerk.numbers) if clerk.numbers else "0000000000"
    search.search(clerk.db, number, actor=clerk.actor)


def op_reading(clerk: Clerk) -> None:
    """Enter this month's readings of a busy account, then submit the same form again."""
    account_id = random.choice(clerk.shared.reading_accounts)
    state = entry.reading_state(clerk.db, account_id)
    entries = []
    for meter in state.meters:
        for zone in meter.zone_states:
            previous = zone.previous_value or Decimal(0)
            entries.append(
                entry.ZoneEntry(
                    meter.meter_id, zone.zone, str(int(previous) + random.randint(1, 40)),
                    based_on_reading_id=zone.previous_reading_id,
                )
            )  # fmt: skip
    if not entries:
        return
    form = entry.ReadingForm(account_id, tuple(entries), state.today, confirmed=True)
    key = uuid.uuid4().hex
    first = entry.submit_readings(clerk.db, clerk.actor, form, key)
    clerk.reading_keys.extend(entry.entry_keys(key, form.entries))
    again = entry.submit_readings(clerk.db, clerk.actor, form, key)
    assert again.duplicate and again.readings == first.readings, (first.readings, again.readings)


def op_appeal(clerk: Clerk) -> None:
    """Register an appeal at the counter, then submit the same form again."""
    draft = intake.AppealDraft(
        channel=AppealChannel.IN_PERSON,
        topic_id=random.choice(clerk.shared.topics),
        applicant_name="Иванова Мария Петровна",
        text="Прошу проверить начисление за прошлый месяц.",
        account_id=random.choice(clerk.account_ids),
        idempotency_key=uuid.uuid4().hex,
    )
    first = intake.register(clerk.db, clerk.actor, draft)
    clerk.appeal_keys.append(str(draft.idempotency_key))
    again = intake.register(clerk.db, clerk.actor, draft)
    assert again.number == first.number and not again.created


def op_edit_customer(clerk: Clerk) -> None:
    """Open a customer another clerk may be editing too, change the phone and save."""
    shared = clerk.shared
    customer_id = random.choice(shared.customers)
    seen = registration_edit.customer_details(clerk.db, customer_id)
    edit = registration_edit.CustomerEdit(
        last_name=seen.last_name,
        first_name=seen.first_name,
        middle_name=seen.middle_name or "",
        registration_address=seen.registration_address or "",
        snils="",  # sealed and not shown: empty keeps it
        phone=f"+7912{random.randint(0, 9_999_999):07d}",
        email=seen.email or "",
        mailing_consent=seen.mailing_consent,
    )
    registration_edit.update_customer(clerk.db, clerk.actor, customer_id, seen.version, edit)
    with shared.lock:
        shared.saves[customer_id] = shared.saves.get(customer_id, 0) + 1


def op_audit(clerk: Clerk) -> None:
    """Record an action (what every write does), keyed so none may be lost or doubled."""
    key = uuid.uuid4().hex[:32]
    with clerk.db.transaction() as session:
        audit.record(session, clerk.actor, AuditAction.CUSTOMER_UPDATE, "bench", key)
    clerk.audit_keys.append(key)


def op_payment(clerk: Clerk) -> None:
    """Take a card payment, then submit the same form again as a retried click would."""
    if not clerk.account_ids:
        return
    key = uuid.uuid4().hex
    amount = Decimal(random.randint(100, 5000))
    form = counter.PaymentForm(
        account_id=random.choice(clerk.account_ids),
        total=amount,
        allocations={clerk.service_id: amount},
        method=PaymentMethod.CARD,
        confirmed=True,
    )
    first = counter.take_payment(clerk.db, clerk.actor, form, key)
    clerk.payment_keys.append(key)
    again = counter.take_payment(clerk.db, clerk.actor, form, key)
    assert again.payment_id == first.payment_id and again.replayed


OPERATIONS: list[tuple[Callable[[Clerk], None], int]] = [
    (op_search, 6),
    (op_payment, 2),
    (op_reading, 2),
    (op_appeal, 1),
    (op_edit_customer, 1),
    (op_audit, 1),
]


@dataclass(frozen=True)
class Desk:
    """What a worker process needs to seat its clerks (all picklable)."""

    settings: Settings
    logins: list[tuple[int, str, str]]  # (n, login, password)
    numbers: list[str]
    account_ids: list[int]
    service_id: int
    reading_accounts: list[int]
    customers: list[int]
    topics: list[int]
    think_s: float
    deadline: float  # time.time() when the clerks stop
    seed: int
    sabotage: bool = False  # the first clerk's thread dies at once


def prepare(
    settings: Settings, clerks: int
) -> tuple[Database, dict[str, Any], list[tuple[int, str, str]]]:
    """Reference data, the accounts clerks work on, and one staff login per clerk."""
    owner = open_database(settings.database_url, settings=replace(settings, db_read_urls=()))
    with owner.transaction() as session:
        ensure_reference_data(session)
    with owner.read() as session:
        numbers = list(session.scalars(select(Account.number).limit(2000)))
        account_ids = list(session.scalars(select(Account.id).limit(2000)))
        service_id = counter.main_service_id(session)
        customers = list(
            session.scalars(
                select(AccountHolder.customer_id)
                .where(AccountHolder.account_id.in_(account_ids[:50]), AccountHolder.is_primary)
                .limit(10)
            )
        )
    work = {
        "numbers": numbers,
        "account_ids": account_ids,
        "service_id": service_id,
        "reading_accounts": account_ids[100:300] or account_ids,  # a small demo: all of them
        "customers": customers,
        "topics": [t.id for t in catalog.topics(owner)],
    }
    logins, existing = [], {m.login for m in members.list_staff(owner)}
    for n in range(clerks):
        login, password = f"bench_clerk_{n:03d}", secrets.token_urlsafe(16)
        if login in existing:
            members.set_password(owner, SYSTEM, login, password)
        else:
            members.add_staff(owner, SYSTEM, login, StaffRole.CLERK, "TMN-1", password)
        logins.append((n, login, password))
    return owner, work, logins


def seat(desk: Desk) -> list[Clerk]:
    """Sign the desk's clerks in as the console does: on PostgreSQL each with its own login role
    (``auth.connect_as``: the settings' pooler, prepared statements and replicas), one
    connection each."""
    shared = Shared(desk.reading_accounts, desk.customers, desk.topics)
    seated, embedded = [], None
    for n, login, password in desk.logins:
        if desk.settings.is_embedded:
            embedded = embedded or open_database(desk.settings.database_url)
            db = embedded
            actor = auth.authenticate(db, login, password, workstation=f"bench-{n}")
        else:
            settings = replace(desk.settings, db_pool_size=1, workstation=f"bench-{n}")
            signed = auth.connect_as(settings, login, password)
            db, actor = signed.db, signed.actor
        seated.append(
            Clerk(actor, db, desk.numbers, desk.account_ids, desk.service_id, shared)
        )  # fmt: skip
    return seated


def run_desk(desk: Desk) -> dict[str, Any]:
    """A worker process: its clerks work in threads until the deadline; what they were told."""
    random.seed(desk.seed)
    cpu_started = time.process_time()
    clerks = seat(desk)
    if desk.sabotage and clerks:
        clerks[0].doomed = True
    threads = [threading.Thread(target=run_clerk, args=(c, desk)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reads = {"replica": 0, "primary": 0}
    for db in {id(c.db): c.db for c in clerks}.values():
        for where, n in (db.router.served if db.router is not None else {}).items():
            reads[where] += n
        db.dispose()
    return {
        "latencies_ms": [ms for c in clerks for ms in c.latencies_ms],
        "audit": [k for c in clerks for k in c.audit_keys],
        "payments": [k for c in clerks for k in c.payment_keys],
        "readings": [k for c in clerks for k in c.reading_keys],
        "appeals": [k for c in clerks for k in c.appeal_keys],
        "conflicts": sum(c.conflicts for c in clerks),
        "refused": sum(c.refused for c in clerks),
        # A clerk whose thread ended before the deadline without saying so died.
        "errors": sum(c.errors for c in clerks) + sum(1 for c in clerks if not c.finished),
        "error_samples": sorted({e for c in clerks for e in c.error_samples}),
        "saves": clerks[0].shared.saves if clerks else {},
        "client_cpu_s": time.process_time() - cpu_started,
        "reads": reads,
    }


def versions(db: Database, customers: list[int]) -> dict[int, int]:
    with db.read() as session:
        rows = session.execute(
            select(Customer.id, Customer.version).where(Customer.id.in_(customers))
        )
        return {customer_id: version for customer_id, version in rows}


def chunks(keys: list[str], size: int = 5000) -> Iterator[list[str]]:
    """Thousands of keys, a few thousand bind parameters at a time."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def counts(db: Database, column: Any, keys: list[str]) -> dict[str, int]:
    """How many rows hold each key."""
    found: dict[str, int] = {}
    with db.read() as session:
        for chunk in chunks(keys):
            found.update(
                session.execute(
                    select(column, func.count()).where(column.in_(chunk)).group_by(column)
                ).all()
            )
    return found


class Watcher:
    """Counts the clerks' server connections each second while they work (pg_stat_activity)
    and, given the postmaster's pid, what the server spent meanwhile."""

    def __init__(self, url: str, postmaster_pid: int = 0) -> None:
        self.db = open_database(url, pool_size=1, prepared_statements=False)
        self.pid = postmaster_pid
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._start: dict[str, float] = {}

    def start(self) -> None:
        self._start = self._usage()
        self._thread.start()

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join()
        end = self._usage()
        self.db.dispose()
        counted = [n for n in self.samples if n > 0]  # before the first clerk signed in: none
        figures: dict[str, Any] = {
            "server_connections": {
                "max": max(counted, default=0),
                "mean": round(statistics.fmean(counted), 1) if counted else 0,
            }
        }
        if self._start:
            figures["server"] = {k: round(end[k] - self._start[k], 2) for k in sorted(end)}
        return figures

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            # A sample lost is no failure of the clerks.
            with contextlib.suppress(Exception), self.db.read() as session:
                self.samples.append(
                    int(
                        session.scalar(
                            text(
                                "SELECT count(*) FROM pg_stat_activity"
                                " WHERE usename LIKE 'bench\\_clerk\\_%'"
                            )
                        )
                        or 0
                    )
                )

    def _usage(self) -> dict[str, float]:
        """CPU seconds and IO bytes of the postmaster and its children, WAL bytes, commits."""
        if not self.pid:
            return {}
        with self.db.read() as session:
            wal, commits, blocks_read = session.execute(
                text(
                    "SELECT (pg_current_wal_insert_lsn() - '0/0')::float8,"
                    " sum(xact_commit)::float8, sum(blks_read)::float8 FROM pg_stat_database"
                )
            ).one()
        tick = os.sysconf("SC_CLK_TCK")
        cpu = read_bytes = written = 0.0
        for pid in [self.pid, *children(self.pid)]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                used = int(fields[11]) + int(fields[12])  # utime, stime
                if pid == self.pid:
                    used += int(fields[13]) + int(fields[14])  # the children that ended
                cpu += used / tick
                io = dict(
                    line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines()
                )
                read_bytes += int(io["read_bytes"])
                written += int(io["write_bytes"])
        return {
            "cpu_s": cpu,
            "read_bytes": read_bytes,
            "write_bytes": written,
            "wal_bytes": float(wal),
            "commits": float(commits),
            "blocks_read": float(blocks_read),
        }


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a postmaster's backends and workers)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (proc / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(proc.name))
    return found


def run_clerk(clerk: Clerk, desk: Desk) -> None:
    """Operations one after another, with a pause between them (exponential, mean think_s)."""
    ops = [op for op, weight in OPERATIONS for _ in range(weight)]
    if clerk.doomed:
        raise RuntimeError("this clerk's thread dies on purpose (--sabotage)")
    while time.time() < desk.deadline:
        if desk.think_s > 0:
            time.sleep(min(random.expovariate(1 / desk.think_s), desk.think_s * 5))
            if time.time() >= desk.deadline:
                break
        op = random.choice(ops)
        started = time.perf_counter()
        try:
            op(clerk)
        except ConflictError:
            clerk.conflicts += 1
        except ValidationError:
            clerk.refused += 1
        except Exception as err:  # noqa: BLE001 - every failure counts, whatever raised it
            clerk.errors += 1
            state = getattr(getattr(err, "orig", None), "sqlstate", None)
            clerk.error_samples.add(f"{op.__name__}: {type(err).__name__} {state or ''}".strip())
        clerk.latencies_ms.append((time.perf_counter() - started) * 1000)
    clerk.finished = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=1.0, metavar="S",
        help="mean pause between one clerk's operations (0: back to back, a stress test)",
    )  # fmt: skip
    parser.add_argument(
        "--processes", type=int, default=2,
        help="worker processes the clerks are spread over (50 desktops are not one Python)",
    )  # fmt: skip
    parser.add_argument(
        "--pooler", choices=("auto", "transaction", "none"), default=None,
        help="Settings.db_pooler (default: the console's settings, i.e. auto)",
    )  # fmt: skip
    parser.add_argument(
        "--no-prepared-statements", action="store_true",
        help="Settings.db_prepared_statements = false",
    )  # fmt: skip
    parser.add_argument(
        "--read-url", action="append", default=None, metavar="URL",
        help="a read replica (Settings.db_read_urls; repeat for more)",
    )  # fmt: skip
    parser.add_argument(
        "--watch-url", default="", metavar="URL",
        help="where to count the clerks' server connections (default: --database)",
    )  # fmt: skip
    parser.add_argument(
        "--postmaster-pid", type=int, default=0, metavar="PID",
        help="the server's postmaster on this machine: report its CPU and IO over the run",
    )  # fmt: skip
    parser.add_argument(
        "--sabotage", action="store_true",
        help="one clerk's thread dies at once: the run must report it and exit with status 1",
    )  # fmt: skip
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.pooler:
        overrides["db_pooler"] = args.pooler
    if args.no_prepared_statements:
        overrides["db_prepared_statements"] = False
    if args.read_url is not None:
        overrides["db_read_urls"] = tuple(args.read_url)
    settings = load_settings(args.database, **overrides)
    owner, work, logins = prepare(settings, args.clerks)
    before = versions(owner, work["customers"])
    watcher = (
        Watcher(args.watch_url or args.database, args.postmaster_pid) if owner.is_postgres else None
    )
    processes = max(1, min(args.processes, len(logins)))
    if not owner.is_postgres:
        processes = 1  # SQLite: one writer; the clerks share one file in one process
    deadline = time.time() + args.seconds + 5 + 2 * processes  # the start of the processes
    desks = [
        Desk(
            settings=settings,
            logins=logins[i::processes],
            think_s=args.think,
            deadline=deadline,
            seed=i,
            sabotage=args.sabotage and i == 0,
            **work,
        )  # fmt: skip
        for i in range(processes)
    ]
    if watcher is not None:
        watcher.start()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(run_desk, desks))
    watched = watcher.stop() if watcher is not None else {}
    clerks_count = len(logins)
    saves: dict[int, int] = {}
    for r in results:
        for customer_id, n in r["saves"].items():
            saves[customer_id] = saves.get(customer_id, 0) + n
    told = {
        "audit": ([k for r in results for k in r["audit"]], AuditEvent.entity_id),
        "payments": ([k for r in results for k in r["payments"]], Payment.idempotency_key),
        "readings": ([k for r in results for k in r["readings"]], Reading.idempotency_key),
        "appeals": ([k for r in results for k in r["appeals"]], Appeal.idempotency_key),
    }
    found = {name: counts(owner, column, keys) for name, (keys, column) in told.items()}
    lost = {name: sum(1 for k in keys if k not in found[name]) for name, (keys, _) in told.items()}
    doubled = {name: sum(n - 1 for n in found[name].values()) for name in told}
    payment_keys = told["payments"][0]
    with owner.read() as session:
        unbalanced = 0
        for chunk in chunks(payment_keys):
            unbalanced += session.scalar(
                text(
                    # ROUND: SQLite keeps NUMERIC as binary floats
                    "SELECT count(*) FROM payments p WHERE p.idempotency_key IN :keys AND "
                    "ROUND(p.amount + COALESCE((SELECT sum(l.amount) FROM ledger_entries l "
                    "WHERE l.account_id = p.account_id AND l.payment_id = p.id), 0), 2) <> 0"
                ).bindparams(bindparam("keys", expanding=True)),
                {"keys": chunk},
            ) or 0  # fmt: skip
    after = versions(owner, work["customers"])
    lost_updates = sum(1 for c in work["customers"] if after[c] - before[c] != saves.get(c, 0))
    latencies = sorted(ms for r in results for ms in r["latencies_ms"])
    p95 = (
        statistics.quantiles(latencies, n=20)[18]
        if len(latencies) >= 20
        else max(latencies, default=0)
    )
    behind_pooler = owner.behind_pooler
    owner.dispose()
    for sample in sorted({e for r in results for e in r["error_samples"]})[:10]:
        print("error:", sample)
    figures = {
        "operations": len(latencies),
        "p95_ms": round(p95, 1),
        "lost": sum(lost.values()),
        "duplicates": sum(doubled.values()),
        "conflicts_reported": sum(r["conflicts"] for r in results),
        "refused": sum(r["refused"] for r in results),
        "ledger_balanced": unbalanced == 0,
        "lost_updates": lost_updates,
        "recorded": {name: len(keys) for name, (keys, _) in told.items()},
        "customer_saves": sum(saves.values()),
        "errors": sum(r["errors"] for r in results),
        "clerks": clerks_count,
        "processes": processes,
        "think_s": args.think,
        "seconds": args.seconds,
        "pooler": settings.db_pooler,
        "behind_pooler": behind_pooler,  # found out: then nothing is prepared
        "prepared_statements": settings.db_prepared_statements,
        "replicas": len(settings.db_read_urls),
        "reads_routed": {
            where: sum(r["reads"][where] for r in results) for where in ("replica", "primary")
        },
        "client_cpu_s": round(sum(r["client_cpu_s"] for r in results), 1),
        "load_avg": round(os.getloadavg()[0], 1),
        **watched,
    }
    print(json.dumps(figures, ensure_ascii=False))
    failed = (
        figures["errors"] or figures["lost"] or figures["duplicates"] or figures["lost_updates"]
    )
    if failed or not figures["ledger_balanced"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
