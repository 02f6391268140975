"""Splitting a payment over services in proportion to what is due (seed 000), to the kopeck."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from console.services.core.errors import ValidationError
from console.services.core.formatting import KOPECK, money


def _kopecks(value: Decimal, field: str) -> int:
    if value != value.quantize(KOPECK):
        raise ValidationError("Сумма — в рублях и копейках: не больше двух знаков.", field)
    return int(value * 100)


def split(
    total: Decimal,
    dues: Mapping[int, Decimal],
    fixed: Mapping[int, Decimal] | None = None,
    main: int | None = None,
) -> dict[int, Decimal]:
    """Share ``total`` over the services of ``dues`` (service id → amount due), in that order.

    ``fixed`` holds services whose amount the clerk set (zeroed, locked or typed): they keep it and
    the rest of the total is split over the others in proportion to their dues, kopecks handed
    out by the largest remainder so the parts always add up to the total exactly. Whatever is
    left beyond the dues is an advance (аванс) and goes to ``main`` (default: the first service)
    or, when that one is fixed, to the first free service.
    """
    fixed = dict(fixed or {})
    unknown = set(fixed) - set(dues)
    if unknown:
        raise ValueError(f"fixed services not among the dues: {sorted(unknown)}")
    if total < 0:
        raise ValidationError("Сумма платежа не может быть отрицательной.", "total")
    total_k = _kopecks(total, "total")
    fixed_k = {sid: _kopecks(amount, "allocation") for sid, amount in fixed.items()}
    if any(v < 0 for v in fixed_k.values()):
        raise ValidationError("Сумма по услуге не может быть отрицательной.", "allocation")
    remaining = total_k - sum(fixed_k.values())
    if remaining < 0:
        raise ValidationError(
            f"Закреплённые суммы по услугам ({money(sum(fixed.values(), Decimal(0)))} ₽) "
            f"больше итоговой суммы ({money(total)} ₽): уменьшите их или увеличьте итог.",
            "total",
        )
    free = [sid for sid in dues if sid not in fixed_k]
    if not free:
        if remaining:
            raise ValidationError(
                "Все суммы по услугам закреплены, а их сумма не равна итоговой: "
                "освободите одну из услуг.",
                "total",
            )
        return {sid: Decimal(fixed_k[sid]).scaleb(-2) for sid in dues}
    due_k = {sid: max(0, _kopecks(dues[sid], "due")) for sid in free}
    owed = sum(due_k.values())
    parts: dict[int, int] = {}
    if remaining >= owed:
        parts = dict(due_k)
        target = main if main in due_k else free[0]
        parts[target] += remaining - owed
    else:
        # Hamilton's method: floor each exact share, then give the kopecks left over to the
        # largest fractional remainders (earlier services first on ties).
        remainders: list[tuple[int, int, int]] = []
        for index, sid in enumerate(free):
            share, rest = divmod(remaining * due_k[sid], owed)
            parts[sid] = share
            remainders.append((-rest, index, sid))
        left = remaining - sum(parts.values())
        for _, _, sid in sorted(remainders)[:left]:
            parts[sid] += 1
    return {sid: Decimal(fixed_k.get(sid, parts.get(sid, 0))).scaleb(-2) for sid in dues}
