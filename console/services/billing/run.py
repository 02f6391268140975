"""Закрытие расчётного периода: charges, ledger entries and statements of every account.

The run is one transaction: cancelled or failed, it leaves nothing behind; closed, the period is
never computed again (a second run returns the first one's figures). PostgreSQL runs the
set-based SQL of :mod:`billing_sql`; SQLite runs the same rules in Python
(:mod:`billing_python`). The rules themselves are in :mod:`billing_rules`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import AccountStatement, BillingPeriod, Charge, Service
from console.models.enums import AuditAction, PeriodStatus, VolumeMethod
from console.services.billing import rules
from console.services.billing import statements as billing_statements
from console.services.billing.periods import lock_period
from console.services.billing.statements import Cancelled
from console.services.core.database import Database
from console.services.core.errors import ConflictError, ConsoleError
from console.services.core.formatting import add_months, date, money, month_year
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.staff.permissions import require_admin
from console.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class ClosePeriodResult:
    """What the run did (or, for a period already closed, what the first run did)."""

    period: dt.date
    already_closed: bool
    accounts: int
    charges: int
    by_meter: int
    by_average: int
    by_norm: int
    charged: Decimal
    recalculated: Decimal
    statements: int
    engine: str
    seconds: float

    def as_json(self) -> dict[str, object]:
        return {
            "period": f"{self.period:%Y-%m}", "already_closed": self.already_closed,
            "accounts": self.accounts, "charges": self.charges,
            "by_method": {"meter": self.by_meter, "average": self.by_average,
                          "norm": self.by_norm},
            "charged": str(self.charged), "recalculated": str(self.recalculated),
            "statements": self.statements, "engine": self.engine,
            "seconds": round(self.seconds, 3),
        }  # fmt: skip

    def describe(self) -> str:
        head = "уже был закрыт" if self.already_closed else "закрыт"
        return (
            f"Период «{month_year(self.period)}» {head}: лицевых счетов {self.accounts}, "
            f"начислений {self.charges} (по прибору {self.by_meter}, по среднему "
            f"{self.by_average}, по нормативу {self.by_norm}); начислено "
            f"{money(self.charged, currency=True)}, перерасчёт "
            f"{money(self.recalculated, currency=True)}."
        )


def next_period_to_close(db: Database, *, today: dt.date | None = None) -> dt.date:
    """The month after the last closed one, or the previous calendar month before any close."""
    today = today or dt.date.today()
    with db.read() as session:
        last = session.scalar(
            select(func.max(BillingPeriod.period)).where(
                BillingPeriod.status == PeriodStatus.CLOSED
            )
        )
    return add_months(last, 1) if last is not None else add_months(today.replace(day=1), -1)


def close_period(
    db: Database,
    actor: Actor,
    period: dt.date,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
    engine: str | None = None,
) -> ClosePeriodResult:
    """Compute and write the month's charges, ledger entries and statements; close it."""
    # Closing is the administrator's (DOMAIN.md; on PostgreSQL the billing_periods guard of
    # migration 0002 refuses anyone else).
    require_admin(actor, "закрытие расчётного периода")
    period = period.replace(day=1)
    today = today or dt.date.today()
    config = settings or Settings()
    window_end = period.replace(day=min(config.reading_window_last_day, 28))
    if today <= window_end:
        raise ConflictError(
            f"Приём показаний за «{month_year(period)}» идёт до {date(window_end)}: закрыть "
            f"период можно с {date(window_end + dt.timedelta(days=1))}."
        )
    engine = engine or ("sql" if db.is_postgres else "python")
    started = time.perf_counter()
    log.info("billing run for %s started by %s (%s engine)", f"{period:%Y-%m}", actor.login, engine)
    _ensure_row(db, period)
    with db.transaction() as session:
        lock_period(session, period, exclusive=True)  # waits for readings being stored into it
        row = session.scalar(
            select(BillingPeriod).where(BillingPeriod.period == period).with_for_update()
        )
        assert row is not None
        if row.status is PeriodStatus.CLOSED:
            log.info("billing run for %s: the period was closed already", f"{period:%Y-%m}")
            return summarise(session, period, True, engine, time.perf_counter() - started)
        _check_order(session, period)
        service_id = session.scalar(select(Service.id).where(Service.code == "electricity"))
        if service_id is None:
            raise ConsoleError("В справочнике нет услуги «Электроснабжение».")
        tick = _ticker(progress, cancel)
        if engine == "sql":
            from console.services.billing import sql_path

            sql_path.run(session, period, service_id, actor, config, tick, cancel)
        else:
            billing_statements.run_python(session, period, service_id, actor, config, tick)
        row.status = PeriodStatus.CLOSED
        row.closed_at = dt.datetime.now(dt.UTC)
        row.closed_by_staff_id = actor.staff_id
        result = summarise(session, period, False, engine, time.perf_counter() - started)
        audit.record(
            session, actor, AuditAction.BILLING_CLOSE_PERIOD, "billing_period", row.id,
            after=result.as_json(),
        )  # fmt: skip
    log.info("billing run for %s closed the period: %s", f"{period:%Y-%m}", result.as_json())
    return result


def _ensure_row(db: Database, period: dt.date) -> None:
    try:
        with db.transaction() as session:
            exists = session.scalar(select(BillingPeriod.id).where(BillingPeriod.period == period))
            if exists is None:
                session.add(BillingPeriod(period=period, status=PeriodStatus.OPEN))
    except IntegrityError:
        pass  # created by a parallel run or a reading: fine


def _check_order(session: Session, period: dt.date) -> None:
    last = session.scalar(
        select(func.max(BillingPeriod.period)).where(BillingPeriod.status == PeriodStatus.CLOSED)
    )
    if last is None:
        return
    expected = add_months(last, 1)
    if period < expected:
        raise ConflictError(
            f"Период «{month_year(period)}» раньше последнего закрытого "
            f"(«{month_year(last)}»): закрытые периоды не пересчитываются — исправления идут "
            "перерасчётом в открытом периоде."
        )
    if period > expected:
        raise ConflictError(f"Сначала закройте период «{month_year(expected)}».")


def _ticker(progress: Progress | None, cancel: Cancel | None) -> Progress:
    def tick(done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled("Закрытие периода отменено: ничего не изменено.")
        if progress is not None:
            progress(done, total)

    return tick


def summarise(
    session: Session, period: dt.date, already_closed: bool, engine: str, seconds: float
) -> ClosePeriodResult:
    """The period's figures, read back from what is stored."""
    counts: dict[VolumeMethod, int] = {
        method: count
        for method, count in session.execute(
            select(Charge.volume_method, func.count())
            .where(Charge.period == period)
            .group_by(Charge.volume_method)
        )
    }
    accounts = session.scalar(
        select(func.count(func.distinct(Charge.account_id))).where(Charge.period == period)
    )
    statements = session.scalar(select(func.count()).where(AccountStatement.period == period))
    charged, recalculated = billing_statements.money_sums(session, period)
    return ClosePeriodResult(
        period, already_closed, int(accounts or 0), sum(counts.values()),
        counts.get(VolumeMethod.METER, 0), counts.get(VolumeMethod.AVERAGE, 0),
        counts.get(VolumeMethod.NORM, 0), charged, recalculated, int(statements or 0), engine,
        seconds,
    )  # fmt: skip


__all__ = ["Cancelled", "ClosePeriodResult", "close_period", "next_period_to_close", "rules"]
