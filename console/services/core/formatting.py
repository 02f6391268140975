"""How numbers, money, dates and months are written for a Russian reader (screen and paper)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")
NBSP = "\u00a0"

MONTHS_NOMINATIVE = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)  # fmt: skip
MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def to_kopecks(value: Decimal) -> Decimal:
    """Round to kopecks, half up: once per line, never on intermediate sums."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def group_thousands(text: str, sep: str = " ") -> str:
    head, _, tail = text.partition(".")
    sign = "-" if head.startswith("-") else ""
    head = head.lstrip("-")
    groups: list[str] = []
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    groups.insert(0, head)
    return sign + sep.join(groups) + ("," + tail if tail else "")


def money(value: Decimal | None, *, currency: bool = False, sign: bool = False) -> str:
    """``Decimal("1234.5")`` → "1 234,50" (with ``currency``: "1 234,50 ₽"); "−" for minus."""
    if value is None:
        return ""
    rounded = to_kopecks(value)
    if rounded == 0:
        rounded = abs(rounded)  # Decimal keeps the sign of zero: never print "−0,00"
    text = group_thousands(f"{rounded:.2f}", NBSP)
    if text.startswith("-"):
        text = "−" + text[1:]
    elif sign and value > 0:
        text = "+" + text
    return f"{text}{NBSP}₽" if currency else text


def volume(value: Decimal | None, places: int = 0) -> str:
    """kWh: "1 234" (or with ``places`` decimals, comma-separated)."""
    if value is None:
        return ""
    quant = Decimal(1).scaleb(-places) if places else Decimal(1)
    return group_thousands(f"{value.quantize(quant, rounding=ROUND_HALF_UP):f}", NBSP)


def rate(value: Decimal | None) -> str:
    """A tariff: "4,79" (two decimals unless more are significant)."""
    if value is None:
        return ""
    normal = value.normalize()
    places = max(2, -normal.as_tuple().exponent)  # type: ignore[operator]
    return f"{value:.{places}f}".replace(".", ",")


def date(value: dt.date | None) -> str:
    """dd.mm.yyyy."""
    return value.strftime("%d.%m.%Y") if value else ""


def date_time(value: dt.datetime | None) -> str:
    """dd.mm.yyyy hh:mm in local time."""
    if value is None:
        return ""
    local = value.astimezone() if value.tzinfo else value
    return local.strftime("%d.%m.%Y %H:%M")


def month_year(period: dt.date) -> str:
    """The month and year: «Июль 2017»."""
    return f"{MONTHS_NOMINATIVE[period.month - 1]} {period.year}"


def period_key(period: dt.date) -> str:
    """The period as text: «2017-07»."""
    return f"{period.year:04d}-{period.month:02d}"


def parse_period(text: str) -> dt.date:
    """«2017-07» → date(2017, 7, 1); ValueError with a Russian message otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(
            f"Период «{text}» не распознан: нужен формат ГГГГ-ММ, например 2026-10"
        ) from None


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(period: dt.date, months: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def snils_text(value: str) -> str:
    """ "112-233-445 95" from the eleven digits."""
    return f"{value[:3]}-{value[3:6]}-{value[6:9]} {value[9:]}"


def mask_passport(series: str | None, number: str | None) -> str:
    """«45 ** ******»: two digits of the series shown, the rest hidden until revealed."""
    if not series and not number:
        return ""
    return f"{(series or '')[:2]} ** ******"


def plain(value: Decimal) -> str:
    """A register value or volume without trailing zeros, decimal comma: "12345", "12,5"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
