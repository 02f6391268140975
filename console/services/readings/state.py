"""Loading what reading entry needs: previous readings, usual consumption, tariff, period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    Charge,
    LedgerEntry,
    Meter,
    Premise,
    Reading,
)
from console.models.enums import (
    MeterStatus,
    ReadingStatus,
    VolumeMethod,
)
from console.services.billing import rules
from console.services.billing.periods import first_open_period
from console.services.billing.tariffs import clamp_rooms, norm_per_person, tariff_rate
from console.services.core.errors import NotFoundError
from console.services.core.formatting import add_months, date, month_year
from console.services.core.metering import metered_volume
from console.services.readings.checks import (
    MeterState,
    PeriodChoice,
    ZoneState,
    choose_period,
    zone_label,
)
from console.settings import Settings

DAYS_PER_MONTH = Decimal("30.4")
USUAL_SPAN_MIN_DAYS = 25
USUAL_SPAN_MAX_DAYS = 400


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
            volume = metered_volume(
                older.value, prev.value, meter.digits, meter.transformation_ratio
            )
            usual = volume / (prev.taken_on - older.taken_on).days
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
