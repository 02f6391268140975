"""Premises by arithmetic on the account index: every address is unique without any shared
state, so blocks of accounts can be generated independently (and in parallel)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from console.services.core.address_format import format_address
from console.services.core.normalize import tokens
from console.services.demo.context import Context, RegionPlan
from console.services.demo.places import VILLAGE_STREETS

# Flats per apartment block, repeating: five-storey blocks, nine-storey ones, towers.
BUILDING_SIZES = (60, 80, 45, 120, 36, 100, 64, 90, 18, 150, 27, 72)
_BUILDING_ENDS = tuple(sum(BUILDING_SIZES[: k + 1]) for k in range(len(BUILDING_SIZES)))
_CYCLE = _BUILDING_ENDS[-1]
# Buildings and houses are spread over a city's streets by a bijection, so that a small data set
# does not crowd house 1 of every street; P is a prime bigger than any slot count.
_P, _Q = 1_000_003, 7_919
HOUSES_PER_STREET = 150


def spread(index: int, slots: int) -> int:
    """A bijection of ``index`` onto the same range: scrambled within each run of ``slots``."""
    run, rest = divmod(index, slots)
    return run * slots + (rest * _P + _Q) % slots


# Of every 25 accounts of a region: 17 flats, 2 private houses in the city, 6 village houses.
KIND_COUNTS = (("flat", 17), ("city_house", 2), ("village", 6))
FLAT_ROOMS = ((1, 28, 42), (1, 30, 40), (2, 42, 60), (2, 44, 58), (2, 45, 64), (3, 58, 80),
              (3, 60, 76), (4, 75, 110))  # fmt: skip


@dataclass(frozen=True)
class PremiseInfo:
    """What the rest of an account needs to know about its premise."""

    premise_id: int
    plan: RegionPlan
    is_flat: bool
    rural: bool
    gas: bool  # gas stove (electric otherwise)
    category: str
    rooms: int
    residents: int
    address: str  # as printed: "г. Тюмень, ул. Республики, д. 12, кв. 34"


def _pattern(
    counts: tuple[tuple[int, int], ...], rng: random.Random
) -> tuple[list[int], list[int]]:
    """A shuffled repeating pattern of kinds and each slot's rank among slots of its kind."""
    slots = [kind for kind, count in counts for _ in range(count)]
    rng.shuffle(slots)
    seen: dict[int, int] = {}
    ranks = []
    for kind in slots:
        ranks.append(seen.get(kind, 0))
        seen[kind] = seen.get(kind, 0) + 1
    return slots, ranks


class PremiseMaker:
    """Builds the premise of account ``i`` and writes its row."""

    def __init__(self, ctx: Context, null: str) -> None:
        self.ctx = ctx
        self.null = null
        weights = tuple((p.index, p.place.weight) for p in ctx.regions)
        self.region_slots, self.region_ranks = list(ctx.region_pattern), []
        seen: dict[int, int] = {}
        for region in self.region_slots:
            self.region_ranks.append(seen.get(region, 0))
            seen[region] = seen.get(region, 0) + 1
        self.region_weight = dict(weights)
        kinds = tuple((k, c) for k, (_, c) in enumerate(KIND_COUNTS))
        self.kind_patterns = [
            _pattern(kinds, random.Random(f"kinds:{ctx.seed}:{p.index}")) for p in ctx.regions
        ]
        self._tokens: dict[str, str] = {}

    def _tok(self, part: str | None) -> str:
        if part is None:
            return ""
        cached = self._tokens.get(part)
        if cached is None:
            cached = self._tokens[part] = " ".join(tokens(part))
        return cached

    def search_text(self, *parts: str | None) -> str:
        """Exactly normalize.address_search_text(...), with each part's tokens cached."""
        return " ".join(t for t in map(self._tok, parts) if t)

    def make(self, i: int, r: Callable[[], float], out: list[str]) -> PremiseInfo:
        ctx, n = self.ctx, self.null
        slot = i % 100
        plan = ctx.regions[self.region_slots[slot]]
        place = plan.place
        j = (i // 100) * self.region_weight[plan.index] + self.region_ranks[slot]
        kinds, ranks = self.kind_patterns[plan.index]
        kind = kinds[j % 25]
        q = (j // 25) * KIND_COUNTS[kind][1] + ranks[j % 25]
        building = None
        flat = None
        if kind == 0:  # a flat in an apartment block
            cycle, offset = divmod(q, _CYCLE)
            k = bisect_right(_BUILDING_ENDS, offset)
            g = cycle * len(BUILDING_SIZES) + k
            size = BUILDING_SIZES[k]
            # 37 divides no building size: a bijection of the flats of one building.
            flat = str((offset - (_BUILDING_ENDS[k - 1] if k else 0)) * 37 % size + 1)
            streets = len(place.streets)
            slot = spread(g, streets * HOUSES_PER_STREET)
            street_type, street = place.streets[slot % streets]
            number = slot // streets + 1
            house = f"{number}а" if g % 17 == 5 else str(number)
            if g % 13 == 4:
                building = "2"
            electric = (g * 7 + plan.index) % 10 < 3  # newer towers have electric stoves
            rooms, low, high = FLAT_ROOMS[int(r() * len(FLAT_ROOMS))]
            postal = place.city_postal[0] + g % (place.city_postal[1] - place.city_postal[0] + 1)
            stype, settlement, rural = "г.", place.city, False
        elif kind == 1:  # a private house in the city
            streets = len(place.private_streets)
            slot = spread(q, streets * HOUSES_PER_STREET)
            street_type, street = place.private_streets[slot % streets]
            house = str(slot // streets + 1)
            electric = r() < 0.35
            rooms, low, high = 2 + int(r() * 4), 45, 160
            postal = place.city_postal[1]
            stype, settlement, rural = "г.", place.city, False
        else:  # a house in a village around the city
            slot = spread(q, len(place.villages) * len(VILLAGE_STREETS) * HOUSES_PER_STREET)
            village = place.villages[slot % len(place.villages)]
            rest = slot // len(place.villages)
            street_type, street = VILLAGE_STREETS[rest % len(VILLAGE_STREETS)]
            house = str(rest // len(VILLAGE_STREETS) + 1)
            electric = r() < 0.3
            rooms, low, high = 2 + int(r() * 4), 40, 140
            postal = int(village.postal_code)
            stype, settlement, rural = village.kind, village.name, True
        area = low * 10 + int(r() * (high - low) * 10)
        residents = max(1, min(rooms + 2, 1 + int(r() * (rooms + 1.6))))
        # Village houses are billed as rural whatever the stove; in town the stove decides.
        category = "rural" if rural else "urban_electric_stove" if electric else "urban_gas_stove"
        premise_id = ctx.id_base["premises"] + i + 1
        search = self.search_text(settlement, street, house, building, flat)
        out.append(
            f"{premise_id}\t{plan.region_id}\t{postal}\t{stype}\t{settlement}\t"
            f"{'rural' if rural else 'urban'}\t{street_type}\t{street}\t{house}\t"
            f"{building or n}\t{flat or n}\t{area}e-1\t{rooms}\t{residents}\t"
            f"{'electric' if electric else 'gas'}\t{search}\n"
        )
        address = format_address(stype, settlement, street_type, street, house, building, flat)
        return PremiseInfo(
            premise_id, plan, kind == 0, rural, not electric, category, rooms, residents, address
        )
