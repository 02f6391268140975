"""The Python path of the run: writing charges, ledger entries and month statements.

Statement of a month: opening + charged + recalculated − paid = closing. The closing is the
account's ledger balance up to the month (so a payment dated in a month already closed, say from
a bank registry that came late, lands in the next statement instead of vanishing); the opening
is the previous month's closing (or the ledger before the month); "paid" is what remains: every
other movement with its sign turned (payments, reversals, refunds, corrections).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.models import Account, AccountStatement, Charge, LedgerEntry, Premise
from console.models.enums import AccountStatus, LedgerKind
from console.services.billing import rules
from console.services.billing.python_path import AccountIn, ChargeLine, Lookups, compute_chunk
from console.services.billing.tariffs import clamp_rooms
from console.services.core.errors import ConsoleError
from console.services.core.formatting import add_months
from console.services.staff.actor import Actor
from console.settings import Settings

CHUNK = 500


class Cancelled(ConsoleError):
    """The person stopped the run; nothing was written."""


def billable_accounts(session: Session, period: dt.date) -> list[AccountIn]:
    """Accounts open at some point of the month."""
    rows = session.execute(
        select(Account.id, Account.category, Premise.region_id, Premise.rooms, Premise.residents)
        .join(Premise, Premise.id == Account.premise_id)
        .where(
            Account.opened_on <= rules.month_end(period),
            or_(Account.status == AccountStatus.ACTIVE, Account.closed_on >= period),
        )
        .order_by(Account.id)
    ).all()
    return [AccountIn(r[0], r[1], r[2], clamp_rooms(r[3]), r[4]) for r in rows]


def run_python(
    session: Session,
    period: dt.date,
    service_id: int,
    actor: Actor,
    config: Settings,
    tick: Callable[[int, int], None],
) -> None:
    lookups = Lookups(session)
    accounts = billable_accounts(session, period)
    total = len(accounts) + 1
    for start in range(0, len(accounts), CHUNK):
        tick(start, total)
        chunk = accounts[start : start + CHUNK]
        try:
            lines = compute_chunk(
                session, lookups, chunk, period, service_id, config.max_estimated_periods
            )
        except LookupError as err:
            raise ConsoleError(f"Нет тарифа или норматива для расчёта: {err}") from err
        write_charges(session, lines, period, service_id)
    tick(len(accounts), total)
    write_statements(session, period)
    tick(total, total)


def write_charges(
    session: Session, lines: Iterable[ChargeLine], period: dt.date, service_id: int
) -> None:
    """Charge rows, and per account one ledger entry for the charges and one for recalculation.

    The entries carry no staff: the run computed them (the period row and the audit event name
    who closed it).
    """
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        session.add(
            Charge(
                account_id=line.account_id, service_id=service_id, period=period,
                zone=line.zone, meter_id=line.meter_id, reading_from=line.reading_from,
                reading_to=line.reading_to, volume=line.volume, tariff=line.tariff,
                raising_coefficient=Decimal(1), excess_amount=Decimal(0), charged=line.charged,
                recalculation=line.recalculation, volume_method=line.method,
                explanation=line.explanation,
            )
        )  # fmt: skip
        totals[line.account_id][0] += line.charged
        totals[line.account_id][1] += line.recalculation
    for account_id, (charged, recalculated) in totals.items():
        moves = ((LedgerKind.CHARGE, charged), (LedgerKind.RECALCULATION, recalculated))
        for kind, amount in moves:
            if amount:
                session.add(
                    LedgerEntry(
                        account_id=account_id, period=period, kind=kind, amount=amount,
                        service_id=service_id, description=rules.ledger_text(kind.value, period),
                    )
                )  # fmt: skip
    session.flush()


def write_statements(session: Session, period: dt.date) -> None:
    previous = {
        s.account_id: s.closing
        for s in session.scalars(
            select(AccountStatement).where(AccountStatement.period == add_months(period, -1))
        )
    }
    moves: dict[int, dict[LedgerKind, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    balance: dict[int, Decimal] = defaultdict(Decimal)
    for account_id, kind, amount, entry_period in session.execute(
        select(
            LedgerEntry.account_id, LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.period
        ).where(LedgerEntry.period <= period)
    ):
        balance[account_id] += amount
        if entry_period == period:
            moves[account_id][kind] += amount
    billed = set(session.scalars(select(Charge.account_id).where(Charge.period == period)))
    late = {a for a, total in balance.items() if total != previous.get(a, Decimal(0))}
    candidates = billed | set(moves) | {a for a, c in previous.items() if c} | late
    for account_id in sorted(candidates):
        kinds = moves[account_id]
        closing = balance[account_id]
        opening = previous.get(account_id, closing - sum(kinds.values(), Decimal(0)))
        charged = kinds.get(LedgerKind.CHARGE, Decimal(0))
        recalculated = kinds.get(LedgerKind.RECALCULATION, Decimal(0))
        session.add(
            AccountStatement(
                account_id=account_id, period=period, opening=opening, charged=charged,
                recalculated=recalculated, paid=opening + charged + recalculated - closing,
                closing=closing,
            )
        )  # fmt: skip
    session.flush()


def money_sums(session: Session, period: dt.date) -> tuple[Decimal, Decimal]:
    """Σ charged and Σ recalculation of the period, exact on both databases."""
    where = Charge.period == period
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            select(
                func.coalesce(func.sum(Charge.charged), 0),
                func.coalesce(func.sum(Charge.recalculation), 0),
            ).where(where)
        ).one()
        return Decimal(row[0]), Decimal(row[1])
    charged = recalculated = Decimal(0)
    for c, r in session.execute(select(Charge.charged, Charge.recalculation).where(where)):
        charged += c
        recalculated += r
    return charged, recalculated
