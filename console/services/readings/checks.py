"""Checks of a meter reading as the clerk types it: pure functions over a loaded meter state."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from console.models.enums import ReadingSource
from console.services.core.formatting import date, month_year, plain, to_kopecks
from console.services.core.metering import metered_volume
from console.services.vocabulary.labels import zone_name
from console.settings import ReadingLimits

VOLUME_PLACES = Decimal("0.001")
MAX_DECIMALS = 3
MIN_JUDGED_DAYS = 7

#: Sources a clerk may pick in the entry dialog (import and replacement are set by the system).
CLERK_SOURCES = (
    ReadingSource.OFFICE,
    ReadingSource.PHONE,
    ReadingSource.INSPECTOR,
    ReadingSource.WEB,
)


def zone_label(zones: int, zone: int) -> str:
    """ "Круглосуточно", "День (Т1)", "Ночь (Т2)", "Пик (Т1)", "Полупик (Т2)", "Ночь (Т3)"."""
    name = zone_name(zones, zone).capitalize()
    return name if zones == 1 else f"{name} (Т{zone})"


Level = Literal["error", "confirm", "supervisor", "info"]


@dataclass(frozen=True)
class Issue:
    """One message about a reading, shown next to its field."""

    code: str
    message: str
    field: str  # "value" or "taken_on"
    level: Level


@dataclass(frozen=True)
class ZoneState:
    """One register of a meter: the previous accepted reading and what is usual for it."""

    zone: int
    label: str
    previous_value: Decimal | None
    previous_taken_on: dt.date | None
    previous_reading_id: int | None
    usual_daily: Decimal | None  # kWh a day, after the transformation ratio
    usual_basis: str  # how usual_daily was found, for the clerk
    tariff: Decimal | None  # руб./кВт·ч valid today


@dataclass(frozen=True)
class MeterState:
    """A meter of the account as the entry dialog shows it."""

    meter_id: int
    serial: str
    model: str
    zones: int
    digits: int
    ratio: Decimal
    installed_on: dt.date
    next_verification_on: dt.date | None
    place: str | None
    zone_states: tuple[ZoneState, ...]
    verification_expired: bool
    estimation_note: str | None  # how the period is billed while verification is expired

    def zone_state(self, zone: int) -> ZoneState:
        for state in self.zone_states:
            if state.zone == zone:
                return state
        raise KeyError(zone)


@dataclass(frozen=True)
class PeriodChoice:
    """The billing period a reading entered today counts in, and why."""

    period: dt.date
    after_window: bool
    note: str


@dataclass(frozen=True)
class ReadingCheck:
    """The outcome of checking one typed value: numbers for the clerk and every message."""

    meter_id: int
    zone: int
    value: Decimal | None
    consumption: Decimal | None
    amount: Decimal | None
    is_rollover: bool
    issues: tuple[Issue, ...]
    period: dt.date

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.level in ("confirm", "supervisor"))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> bool:
        return any(i.level in ("confirm", "supervisor") for i in self.issues)

    @property
    def needs_supervisor(self) -> bool:
        return any(i.level == "supervisor" for i in self.issues)


@dataclass(frozen=True)
class Estimate:
    """ЭСКК-style sum for the clerk: расход × тариф, and the amount due after the balance."""

    consumption: Decimal
    amount: Decimal
    balance: Decimal
    amount_due: Decimal


_NUMBER = re.compile(r"^(?P<sign>[-−–]?)(?P<int>[0-9]+)(?:[.,](?P<frac>[0-9]*))?$")
_SPACES = re.compile(r"[ \u00a0\u2009\u202f]")


class BadValue(ValueError):
    """A typed value that is not a register reading; ``code`` names the rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_value(text: str) -> Decimal:
    """A register value as typed: "12 345", "12345,6"; BadValue with the Russian reason."""
    cleaned = _SPACES.sub("", text or "").strip()
    if not cleaned:
        raise BadValue("empty", "Введите показание.")
    match = _NUMBER.match(cleaned)
    if match is None:
        raise BadValue(
            "not_a_number",
            "Показание должно быть числом: только цифры и, при необходимости, запятая.",
        )
    if match["sign"]:
        raise BadValue("negative", "Показание не может быть отрицательным.")
    frac = match["frac"] or ""
    if len(frac) > MAX_DECIMALS:
        raise BadValue("too_many_decimals", f"После запятой — не более {MAX_DECIMALS} знаков.")
    integer = match["int"].lstrip("0") or "0"
    if len(integer) > 11:  # far beyond any meter; the column holds 11 digits before the point
        raise BadValue("too_large", "Слишком большое число для показания счётчика.")
    return Decimal(f"{integer}.{frac or '0'}").quantize(VOLUME_PLACES)


def integer_digits(value: Decimal) -> int:
    return len(str(int(value))) if value >= 1 else 1


def check_reading(
    meter: MeterState,
    zone: int,
    text: str,
    taken_on: dt.date,
    *,
    today: dt.date,
    period: dt.date,
    limits: ReadingLimits,
    rollover: bool = False,
) -> ReadingCheck:
    """Check one typed value against the meter's state; never touches the database."""
    state = meter.zone_state(zone)
    issues: list[Issue] = []
    issues.extend(_date_issues(meter, state, taken_on, today))
    try:
        value = parse_value(text)
    except BadValue as err:
        issues.append(Issue(err.code, str(err), "value", "error"))
        return ReadingCheck(meter.meter_id, zone, None, None, None, False, tuple(issues), period)
    if integer_digits(value) > meter.digits:
        issues.append(
            Issue(
                "too_many_digits",
                f"У счётчика {meter.digits} знаков до запятой, а введено "
                f"{integer_digits(value)}. Проверьте, не введены ли лишние цифры.",
                "value",
                "error",
            )
        )
        return ReadingCheck(meter.meter_id, zone, value, None, None, False, tuple(issues), period)
    consumption, is_rollover = _consumption(meter, state, value, rollover, issues)
    if consumption is not None:
        issues.extend(_plausibility(state, consumption, taken_on, limits))
    if meter.verification_expired:
        issues.append(
            Issue(
                "verification_expired",
                meter.estimation_note or "Срок поверки счётчика истёк.",
                "value",
                "info",
            )
        )
    amount = None
    if consumption is not None and state.tariff is not None and not meter.verification_expired:
        amount = to_kopecks(consumption * state.tariff)
    return ReadingCheck(
        meter.meter_id, zone, value, consumption, amount, is_rollover, tuple(issues), period
    )


def _date_issues(
    meter: MeterState, state: ZoneState, taken_on: dt.date, today: dt.date
) -> list[Issue]:
    if taken_on > today:
        return [
            Issue(
                "future_date",
                f"Дата снятия показаний {date(taken_on)} ещё не наступила: сегодня {date(today)}.",
                "taken_on",
                "error",
            )
        ]
    if taken_on < meter.installed_on:
        return [
            Issue(
                "before_install",
                f"Дата снятия {date(taken_on)} раньше установки счётчика "
                f"({date(meter.installed_on)}).",
                "taken_on",
                "error",
            )
        ]
    if state.previous_taken_on is not None and taken_on < state.previous_taken_on:
        return [
            Issue(
                "before_previous",
                f"Дата снятия {date(taken_on)} раньше предыдущего показания "
                f"({date(state.previous_taken_on)}).",
                "taken_on",
                "error",
            )
        ]
    return []


def _consumption(
    meter: MeterState, state: ZoneState, value: Decimal, rollover: bool, issues: list[Issue]
) -> tuple[Decimal | None, bool]:
    previous = state.previous_value
    if previous is None:
        return None, False
    if value >= previous:
        return metered_volume(previous, value, meter.digits, meter.ratio), False
    if not rollover:
        issues.append(
            Issue(
                "lower_than_previous",
                f"Показание меньше предыдущего ({plain(previous)} от "
                f"{date(state.previous_taken_on)}). Проверьте ввод; если счётчик перешёл "
                f"через {'9' * meter.digits}, отметьте «Переход через ноль».",
                "value",
                "error",
            )
        )
        return None, False
    consumption = metered_volume(previous, value, meter.digits, meter.ratio)
    issues.append(
        Issue(
            "rollover",
            f"Переход через ноль: {plain(previous)} → {'9' * meter.digits} → {plain(value)}, "
            f"расход {plain(consumption)} кВт·ч. Подтвердите, что счётчик действительно "
            "перешёл через ноль.",
            "value",
            "confirm",
        )
    )
    return consumption, True


def _plausibility(
    state: ZoneState, consumption: Decimal, taken_on: dt.date, limits: ReadingLimits
) -> list[Issue]:
    usual = state.usual_daily
    if usual is None or usual <= 0 or state.previous_taken_on is None:
        return []
    days = (taken_on - state.previous_taken_on).days
    # Over a few days the figures are noise: judge "high" as if a week had passed, skip "low".
    high_days = max(days, MIN_JUDGED_DAYS)
    daily = consumption / max(days, 1)
    times = consumption / high_days / usual
    low_times = None if days < MIN_JUDGED_DAYS else daily / usual
    usual_text = f"обычно около {plain(usual.quantize(Decimal('0.1')))} кВт·ч в сутки"
    now_text = f"сейчас {plain(daily.quantize(Decimal('0.1')))} кВт·ч в сутки за {days} дн."
    if times > limits.very_high:
        return [
            Issue(
                "very_high",
                f"Расход очень большой: {now_text}, {usual_text} ({state.usual_basis}). "
                "Нужно подтверждение руководителя офиса.",
                "value",
                "supervisor",
            )
        ]
    if times > limits.high:
        return [
            Issue(
                "high",
                f"Расход выше обычного: {now_text}, {usual_text}. Сверьте показание с клиентом.",
                "value",
                "confirm",
            )
        ]
    if low_times is None:
        return []
    if low_times < limits.very_low:
        return [
            Issue(
                "very_low",
                f"Расход почти нулевой: {now_text}, {usual_text}. Сверьте показание с клиентом.",
                "value",
                "confirm",
            )
        ]
    if low_times < limits.low:
        return [
            Issue(
                "low",
                f"Расход ниже обычного: {now_text}, {usual_text}. Сверьте показание с клиентом.",
                "value",
                "confirm",
            )
        ]
    return []


def choose_period(
    entered_on: dt.date, window_last_day: int, first_open: dt.date | None
) -> PeriodChoice:
    """Readings entered by the window's last day count this month, later ones the next month.

    A period already closed never takes new readings: they move to the first open one.
    """
    this_month = entered_on.replace(day=1)
    after_window = entered_on.day > window_last_day
    period = _next_month(this_month) if after_window else this_month
    moved = first_open is not None and period < first_open
    if moved and first_open is not None:
        period = first_open
    if after_window:
        note = (
            f"Приём показаний за {month_year(this_month).lower()} закончился "
            f"{window_last_day}-го: показания будут учтены в периоде «{month_year(period)}»."
        )
    elif moved:
        note = (
            f"Период «{month_year(this_month)}» уже закрыт: показания будут учтены в периоде "
            f"«{month_year(period)}»."
        )
    else:
        note = f"Показания будут учтены в периоде «{month_year(period)}»."
    return PeriodChoice(period, after_window or moved, note)


def _next_month(period: dt.date) -> dt.date:
    return dt.date(period.year + period.month // 12, period.month % 12 + 1, 1)


class Priced(Protocol):
    """A typed or stored reading with its consumption and sum."""

    @property
    def consumption(self) -> Decimal | None: ...

    @property
    def amount(self) -> Decimal | None: ...


def estimate(checks: Sequence[Priced], balance: Decimal) -> Estimate:
    """Total consumption and amount of the typed values, and what is due after the balance.

    The one home of «к оплате ≈»: the entry dialog, its last page and the interim payment
    document all count it here.
    """
    consumption = sum((c.consumption for c in checks if c.consumption is not None), Decimal(0))
    amount = sum((c.amount for c in checks if c.amount is not None), Decimal(0))
    return Estimate(consumption, amount, balance, max(amount + balance, Decimal(0)))
