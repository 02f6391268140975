"""The rules of the billing run as pure functions (Постановление № 354, п. 59–61, as reported).

One set of rules: the Python path of :mod:`console.services.billing.run` calls these, and the
set-based SQL of :mod:`console.services.billing.sql_path` computes the same numbers and the same
explanation text (the tests run both on the same data and compare them row by row).

- By meter: volume = (current − base) × transformation ratio; a register that wrapped past its
  digits adds 10^digits (:func:`console.services.core.metering.metered_volume`, the one home of
  consumption, which the readings tab, the reports and the entry dialog use as well). The base
  is the last billable reading of an earlier period, or the first one of this period (the
  initial reading of a new meter).
- A reading taken on or after the meter's next verification date is stored but not billable.
- No billable reading: the average monthly metered volume of the last 6 periods, for at most
  ``max_estimated_periods`` periods in a row, then the norm × residents (also when there is no
  average or no meter at all). Norm volumes are split evenly over a multi-zone meter's zones and
  billed at the single-rate tariff.
- An actual reading after estimated periods: the actual volume since the base is spread evenly
  over those periods and this one (shares truncated to 0.001 kWh, the remainder stays in this
  period); the estimated periods' difference, at each period's own tariff, is this period's
  recalculation.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from console.models.enums import VolumeMethod
from console.services.core.formatting import date, month_year, plain
from console.services.core.metering import VOLUME, round_volume

AVERAGE_WINDOW_MONTHS = 6


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from ``earlier``'s month to ``later``'s month."""
    return month_index(later) - month_index(earlier)


def month_end(period: dt.date) -> dt.date:
    nxt = dt.date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def is_billable(taken_on: dt.date, next_verification_on: dt.date | None) -> bool:
    """A reading taken after the verification lapsed is kept but not billed."""
    return next_verification_on is None or taken_on < next_verification_on


def estimated_method(gap: int, max_periods: int, average: Decimal | None) -> VolumeMethod:
    """``gap`` = estimated periods already in a row before this one."""
    if gap < max_periods and average is not None:
        return VolumeMethod.AVERAGE
    return VolumeMethod.NORM


def split_actual(total: Decimal, estimated_periods: int) -> tuple[Decimal, Decimal]:
    """(share of each estimated period, volume of this period)."""
    if estimated_periods == 0:
        return Decimal(0), total
    share = (total / (estimated_periods + 1)).quantize(VOLUME, rounding=ROUND_DOWN)
    return share, total - share * estimated_periods


def norm_volume(norm: Decimal, residents: int, zones: int) -> Decimal:
    return round_volume(norm * residents / zones)


def gap_periods(base_period: dt.date | None, installed_on: dt.date | None, period: dt.date) -> int:
    """Periods in a row without a billable reading before ``period``."""
    if base_period is not None:
        return months_between(base_period, period) - 1
    if installed_on is not None:
        return max(months_between(installed_on, period) - 1, 0)
    return 0


# --- explanations (the SQL path builds the very same strings) --------------------------


def explain_meter(
    base: Decimal,
    current: Decimal,
    ratio: Decimal,
    meters: int,
    estimated_periods: int,
    total: Decimal,
) -> str:
    text = f"По показаниям прибора учёта: {plain(base)} → {plain(current)}"
    if ratio != 1:
        text += f", коэффициент трансформации {plain(ratio)}"
    if meters > 1:
        text += ", с учётом замены счётчика"
    if estimated_periods:
        text += (
            f". Перерасчёт: фактический расход {plain(total)} кВт·ч распределён поровну на "
            f"{estimated_periods + 1} мес., из них {estimated_periods} мес. ранее начислены "
            "без показаний"
        )
    return text


def explain_average(
    average: Decimal, gap: int, max_periods: int, expired_on: dt.date | None
) -> str:
    reason = (
        f"срок поверки прибора учёта истёк {date(expired_on)}"
        if expired_on is not None
        else "показания не переданы"
    )
    return (
        f"По среднемесячному расходу {plain(average)} кВт·ч: {reason} "
        f"({gap + 1}-й месяц из {max_periods})"
    )


def explain_norm(
    norm: Decimal,
    residents: int,
    rooms: int,
    zones: int,
    gap: int,
    has_meter: bool,
    expired_on: dt.date | None,
) -> str:
    text = f"По нормативу {plain(norm)} кВт·ч × {residents} чел. ({rooms} комн.)"
    if not has_meter:
        text += ": прибор учёта не установлен"
    elif expired_on is not None:
        text += f": срок поверки прибора учёта истёк {date(expired_on)}"
    else:
        text += f": нет показаний {gap + 1}-й месяц подряд"
    if zones > 1:
        text += f"; поровну на {zones} зоны по одноставочному тарифу"
    return text


def ledger_text(kind: str, period: dt.date) -> str:
    """Description of a ledger entry written by the billing run (one per account and kind)."""
    if kind == "recalculation":
        return f"Перерасчёт за периоды без показаний, {month_year(period)}"
    return f"Начисление за {month_year(period)}"
