"""Loading what reading entry needs: previous readings, usual consumption, tariff, period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import (
    Account,
    BillingPeriod,
    Charge,
    ConsumptionNorm,
    LedgerEntry,
    Meter,
    Premise,
    Reading,
    Tariff,
)
from console.models.enums import (
    ConsumptionCategory,
    MeterStatus,
    PeriodStatus,
    ReadingStatus,
    VolumeMethod,
)
from console.services import billing_rules as rules
from console.services.actor import Actor
from console.services.errors import NotFoundError, PermissionDeniedError
from console.services.formatting import add_months, date, month_year
from console.services.reading_checks import (
    MeterState,
    PeriodChoice,
    ZoneState,
    choose_period,
    rollover_consumption,
    zone_label,
)
from console.settings import Settings

DAYS_PER_MONTH = Decimal("30.4")
USUAL_SPAN_MIN_DAYS = 25
USUAL_SPAN_MAX_DAYS = 400


#: The audit action of a supervisor's confirmation at a clerk's desk (and of its token).
SUPERVISOR_APPROVAL = "reading.supervisor_approval"


@dataclass(frozen=True)
class SupervisorApproval:
    """A supervisor's consent to a very-high reading."""

    staff_id: int
    full_name: str
    #: PostgreSQL: the one-time token the supervisor's own login got from the database
    #: (``console_issue_approval``); a reading approved without it is refused there.
    token: str | None = None

    @classmethod
    def of(cls, actor: Actor) -> SupervisorApproval:
        if not actor.is_supervisor or actor.staff_id is None:
            raise PermissionDeniedError("Подтвердить может только руководитель офиса.")
        return cls(actor.staff_id, actor.full_name)


@dataclass(frozen=True)
class AccountReadingState:
    """Everything the entry dialog shows and checks against, loaded once."""

    account_id: int
    account_number: str
    balance: Decimal
    today: dt.date
    period: PeriodChoice
    meters: tuple[MeterState, ...]

    def meter(self, meter_id: int) -> MeterState:
        for meter in self.meters:
            if meter.meter_id == meter_id:
                return meter
        raise KeyError(meter_id)


def first_open_period(session: Session) -> dt.date | None:
    """The month after the last closed period (None before the first close)."""
    last = session.scalar(
        select(func.max(BillingPeriod.period)).where(BillingPeriod.status == PeriodStatus.CLOSED)
    )
    return add_months(last, 1) if last is not None else None


#: Namespace of the advisory locks that keep a period from closing under a reading being stored.
PERIOD_LOCK_CLASS = 5105


def lock_period(session: Session, period: dt.date, *, exclusive: bool) -> None:
    """Readings take the period's lock shared, the billing run exclusive (PostgreSQL only;
    SQLite has a single writer). Advisory locks need no privilege on billing_periods, which
    clerks may not lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(
        text(f"SELECT {function}(:namespace, :key)"),
        {"namespace": PERIOD_LOCK_CLASS, "key": rules.month_index(period)},
    )


def open_period_from(session: Session, period: dt.date) -> tuple[dt.date, PeriodStatus | None]:
    """The first month from ``period`` on that is not closed, locked shared so it cannot close
    under us, and its status (None: no row for it yet)."""
    while True:
        lock_period(session, period, exclusive=False)
        status = session.scalar(select(BillingPeriod.status).where(BillingPeriod.period == period))
        if status is not PeriodStatus.CLOSED:
            return period, status
        period = add_months(period, 1)


def ensure_open_period(session: Session, period: dt.date) -> dt.date:
    """The first open period from ``period`` on, locked so it cannot close under us."""
    period, status = open_period_from(session, period)
    if status is None:
        try:
            with session.begin_nested():
                session.add(BillingPeriod(period=period, status=PeriodStatus.OPEN))
        except IntegrityError:
            pass  # another desk created it; it cannot close while we hold the lock
    return period


def tariff_rate(
    session: Session,
    region_id: int,
    category: ConsumptionCategory,
    zones_count: int,
    zone: int,
    on: dt.date,
) -> Decimal | None:
    return session.scalar(
        select(Tariff.rate)
        .where(
            Tariff.region_id == region_id, Tariff.category == category,
            Tariff.zones_count == zones_count, Tariff.zone == zone, Tariff.valid_from <= on,
            (Tariff.valid_to.is_(None)) | (Tariff.valid_to > on),
        )
        .order_by(Tariff.valid_from.desc())
        .limit(1)
    )  # fmt: skip


def norm_per_person(
    session: Session, region_id: int, category: ConsumptionCategory, rooms: int, on: dt.date
) -> Decimal | None:
    return session.scalar(
        select(ConsumptionNorm.kwh_per_person)
        .where(
            ConsumptionNorm.region_id == region_id, ConsumptionNorm.category == category,
            ConsumptionNorm.rooms == rooms, ConsumptionNorm.valid_from <= on,
        )
        .order_by(ConsumptionNorm.valid_from.desc())
        .limit(1)
    )  # fmt: skip


def clamp_rooms(rooms: int | None) -> int:
    return min(max(rooms or 1, 1), 4)


def load_state(
    session: Session, account_id: int, today: dt.date, settings: Settings
) -> AccountReadingState:
    row = session.execute(
        select(Account, Premise).join(Premise, Premise.id == Account.premise_id)
        .where(Account.id == account_id)
    ).first()  # fmt: skip
    if row is None:
        raise NotFoundError("Лицевой счёт не найден.")
    account, premise = row
    period = choose_period(today, settings.reading_window_last_day, first_open_period(session))
    balance = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    norm = norm_per_person(
        session, premise.region_id, account.category, clamp_rooms(premise.rooms), today
    )
    norm_monthly = norm * premise.residents if norm is not None else None
    meters = session.scalars(
        select(Meter)
        .where(Meter.account_id == account_id, Meter.status == MeterStatus.ACTIVE)
        .order_by(Meter.id)
    ).all()
    states = []
    for meter in meters:
        zones = tuple(
            _zone_state(session, account, premise.region_id, meter, zone, today, norm_monthly)
            for zone in range(1, meter.zones + 1)
        )
        expired = not rules.is_billable(today, meter.next_verification_on)
        note = (
            _estimation_note(session, account.id, meter, period.period, settings)
            if expired
            else None
        )
        states.append(
            MeterState(
                meter.id, meter.serial, meter.model, meter.zones, meter.digits,
                meter.transformation_ratio, meter.installed_on, meter.next_verification_on,
                meter.place, zones, expired, note,
            )
        )  # fmt: skip
    return AccountReadingState(
        account.id, account.number, Decimal(balance or 0), today, period, tuple(states)
    )


def _zone_state(
    session: Session,
    account: Account,
    region_id: int,
    meter: Meter,
    zone: int,
    today: dt.date,
    norm_monthly: Decimal | None,
) -> ZoneState:
    accepted = (
        Reading.meter_id == meter.id,
        Reading.zone == zone,
        Reading.status == ReadingStatus.ACCEPTED,
    )
    prev = session.scalars(
        select(Reading).where(*accepted).order_by(Reading.taken_on.desc(), Reading.id.desc())
    ).first()
    usual: Decimal | None = None
    basis = ""
    if prev is not None:
        older = session.scalars(
            select(Reading)
            .where(
                *accepted,
                Reading.taken_on >= prev.taken_on - dt.timedelta(days=USUAL_SPAN_MAX_DAYS),
                Reading.taken_on <= prev.taken_on - dt.timedelta(days=USUAL_SPAN_MIN_DAYS),
            )
            .order_by(Reading.taken_on, Reading.id)
        ).first()
        if older is not None:
            diff = (
                prev.value - older.value
                if prev.value >= older.value
                else rollover_consumption(older.value, prev.value, meter.digits)
            )
            usual = diff * meter.transformation_ratio / (prev.taken_on - older.taken_on).days
            basis = f"по показаниям с {date(older.taken_on)} по {date(prev.taken_on)}"
    if (usual is None or usual <= 0) and norm_monthly:
        usual = norm_monthly / meter.zones / DAYS_PER_MONTH
        basis = "по нормативу потребления"
    tariff = tariff_rate(session, region_id, account.category, meter.zones, zone, today)
    return ZoneState(
        zone, zone_label(meter.zones, zone), prev.value if prev else None,
        prev.taken_on if prev else None, prev.id if prev else None, usual, basis, tariff,
    )  # fmt: skip


def _estimation_note(
    session: Session, account_id: int, meter: Meter, period: dt.date, settings: Settings
) -> str:
    """How the period is billed while the verification is expired, for the clerk."""
    assert meter.next_verification_on is not None
    base = session.scalar(
        select(func.max(Reading.period)).where(
            Reading.meter_id == meter.id,
            Reading.status == ReadingStatus.ACCEPTED,
            Reading.period < period,
            Reading.taken_on < meter.next_verification_on,
        )
    )
    gap = rules.gap_periods(base, meter.installed_on, period)
    has_average = session.scalar(
        select(func.count()).where(
            Charge.account_id == account_id,
            Charge.volume_method == VolumeMethod.METER,
            Charge.period >= add_months(period, -rules.AVERAGE_WINDOW_MONTHS),
            Charge.period < period,
        )
    )
    method = rules.estimated_method(
        gap, settings.max_estimated_periods, Decimal(1) if has_average else None
    )
    how = (
        f"по среднемесячному расходу ({gap + 1}-й месяц из {settings.max_estimated_periods}), "
        "затем по нормативу"
        if method is VolumeMethod.AVERAGE
        else "по нормативу потребления"
    )
    return (
        f"Срок поверки счётчика истёк {date(meter.next_verification_on)}. Показания будут "
        f"сохранены, но к расчёту не принимаются: «{month_year(period)}» будет начислен {how}. "
        "Предложите клиенту поверить или заменить счётчик."
    )
