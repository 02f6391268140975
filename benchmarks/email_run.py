"""E-mailing a month's payment documents through a real local SMTP server (aiosmtpd), on SQLite.

Run from the repository root: ``python benchmarks/email_run.py [--accounts 200]``. Measures the
first run (issuing and storing each document, then sending it) and the rerun (sends nothing).
Fails (exit 1) unless every account got exactly one message with its stored PDF. The last line
is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.models import Account, IssuedDocument  # noqa: E402
from console.models.enums import BillDelivery, StaffRole  # noqa: E402
from console.services.core.database import Database, create_db_engine  # noqa: E402
from console.services.core.schema import upgrade  # noqa: E402
from console.services.documents import emailing  # noqa: E402
from console.services.mail.transport import SmtpConfig  # noqa: E402
from tests.support.factories import make_account, make_closed_month, make_staff  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

PERIOD = dt.date(2026, 9, 1)


def build(path: Path, accounts: int) -> Database:
    engine = create_db_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
    db = Database(engine)
    upgrade(db)
    for i in range(accounts):
        account = make_account(db, flat=str(i + 1), last_taken_on=dt.date(2026, 8, 20))
        make_closed_month(db, account, PERIOD, volume=Decimal(100 + i % 150))
        with db.transaction() as session:
            row = session.get(Account, account.account_id)
            assert row is not None
            row.bill_delivery = BillDelivery.EMAIL
            row.delivery_email = f"customer{i}@example.ru"
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=200)
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder, SmtpServer() as server:
        db = build(Path(folder) / "bench.sqlite3", args.accounts)
        boss = make_staff(db, "bench-boss", StaffRole.SUPERVISOR)
        config = SmtpConfig("127.0.0.1", server.port, "none", "", "bills@example.ru", 10)
        t0 = time.perf_counter()
        first = emailing.email_month(db, boss, config, PERIOD)
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = emailing.email_month(db, boss, config, PERIOD)
        rerun_s = time.perf_counter() - t0
        with db.read() as session:
            stored = dict(session.execute(select(IssuedDocument.account_id,
                                                 IssuedDocument.content)).all())  # fmt: skip
            addresses = dict(session.execute(select(Account.delivery_email, Account.id)).all())
        received = [m.message for m in server.messages]
        if first.sent != args.accounts or len(received) != args.accounts:
            failures.append(f"sent {first.sent}, received {len(received)}")
        if again.sent != 0:
            failures.append(f"rerun sent {again.sent}")
        for message in received:
            (attachment,) = list(message.iter_attachments())
            if attachment.get_content() != stored[addresses[str(message["To"])]]:
                failures.append(f"attachment differs for {message['To']}")
        size = sum(len(m.raw) for m in server.messages) / max(1, len(server.messages))
        db.dispose()
    figures = {
        "accounts": args.accounts,
        "first_run_s": round(first_s, 2),
        "per_account_ms": round(first_s * 1000 / args.accounts, 1),
        "rerun_s": round(rerun_s, 2),
        "message_kb": round(size / 1024, 1),
        "failures": failures,
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
