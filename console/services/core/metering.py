"""How much a meter counted: the one home of "consumption between two readings".

The bill (:mod:`console.services.billing.rules`), the card's «Показания» tab, the reports, the
entry dialog's check and its retry answer all compute the volume here, so a meter with a
transformation ratio shows the same kWh everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

VOLUME = Decimal("0.001")


def round_volume(value: Decimal) -> Decimal:
    """kWh to 0.001, half up."""
    return value.quantize(VOLUME, rounding=ROUND_HALF_UP)


def register_difference(base: Decimal, current: Decimal, digits: int) -> Decimal:
    """What the register advanced: a register below ``base`` wrapped past its ``digits``
    (99 950 → 00 120 on 5 digits is 170)."""
    wrap = Decimal(10) ** digits if current < base else Decimal(0)
    return current - base + wrap


def metered_volume(base: Decimal, current: Decimal, digits: int, ratio: Decimal) -> Decimal:
    """kWh between two readings: the register's advance × the transformation ratio, rounded."""
    return round_volume(register_difference(base, current, digits) * ratio)
