"""The split of a payment over services always adds up to the total, to the kopeck."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.services.core.errors import ValidationError
from console.services.payments.split import split

kopecks = st.integers(min_value=0, max_value=5_000_000).map(lambda k: Decimal(k).scaleb(-2))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Decimal, dict[int, Decimal], dict[int, Decimal]]:
    n = draw(st.integers(min_value=1, max_value=6))
    dues = {sid: draw(kopecks) for sid in range(1, n + 1)}
    fixed_ids = draw(st.sets(st.sampled_from(sorted(dues)), max_size=n - 1))
    fixed = {sid: draw(st.sampled_from([Decimal("0.00"), dues[sid], draw(kopecks)]))
             for sid in fixed_ids}  # fmt: skip
    total = sum(fixed.values(), Decimal("0.00")) + draw(kopecks)
    return total, dues, fixed


@settings(max_examples=400, deadline=None)
@given(cases())
def test_split_sums_exactly_to_the_total(
    case: tuple[Decimal, dict[int, Decimal], dict[int, Decimal]],
) -> None:
    total, dues, fixed = case
    parts = split(total, dues, fixed, main=1)
    assert list(parts) == list(dues)
    assert sum(parts.values()) == total
    for sid, amount in parts.items():
        assert amount >= 0
        assert amount == amount.quantize(Decimal("0.01"))
        if sid in fixed:
            assert amount == fixed[sid]
    free = [sid for sid in dues if sid not in fixed]
    remaining = total - sum(fixed.values(), Decimal(0))
    owed = sum((dues[s] for s in free), Decimal(0))
    if remaining <= owed:
        # No service gets more than it owes while the total does not cover the dues, and the
        # proportional share is missed by less than one kopeck.
        for sid in free:
            assert parts[sid] <= dues[sid]
            exact = remaining * dues[sid] / owed if owed else Decimal(0)
            assert abs(parts[sid] - exact) < Decimal("0.01")


def test_seed_000_example_and_advance_to_the_main_service() -> None:
    dues = {1: Decimal("686.00"), 2: Decimal("48.60")}
    assert split(Decimal("734.60"), dues) == dues
    # Advance for future months (seed 004): the excess lands on the main service.
    assert split(Decimal("1734.60"), dues, main=1) == {1: Decimal("1686.00"), 2: Decimal("48.60")}
    # Zeroed service: everything to the other.
    zeroed = split(Decimal("500"), dues, {2: Decimal("0")})
    assert zeroed == {1: Decimal("500.00"), 2: Decimal("0.00")}
    # Partial payment shared in proportion: 100 × 686/734.6 = 93.38…, 100 × 48.6/734.6 = 6.61…
    parts = split(Decimal("100.00"), dues)
    assert parts == {1: Decimal("93.38"), 2: Decimal("6.62")}


def test_largest_remainder_hands_out_the_odd_kopeck() -> None:
    parts = split(Decimal("0.02"), {1: Decimal("1"), 2: Decimal("1"), 3: Decimal("1")})
    assert sum(parts.values()) == Decimal("0.02")
    assert sorted(parts.values()) == [Decimal("0.00"), Decimal("0.01"), Decimal("0.01")]


def test_fixed_more_than_total_is_refused_in_russian() -> None:
    with pytest.raises(ValidationError, match="больше итоговой суммы") as err:
        split(Decimal("10"), {1: Decimal("5"), 2: Decimal("5")}, {2: Decimal("20")})
    assert err.value.field == "total"


def test_all_fixed_must_match_the_total() -> None:
    with pytest.raises(ValidationError, match="освободите"):
        split(Decimal("10"), {1: Decimal("5")}, {1: Decimal("5")})
    assert split(Decimal("5"), {1: Decimal("5")}, {1: Decimal("5")}) == {1: Decimal("5.00")}
