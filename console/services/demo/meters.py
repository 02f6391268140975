"""An account's meter: model, zones, digits, verification dates, how much it counts a month,
and its registers at the start of the history (the baseline readings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from console.services.demo.context import SEASON, Context
from console.services.demo.places import FLAT_METER_PLACES, HOUSE_METER_PLACES, METER_MODELS
from console.services.demo.premises import PremiseInfo
from console.services.demo.rows import Block

_SERIAL_MUL, _SERIAL_ADD = 7_654_321, 10_203_041  # coprime to 10: serials never repeat


@dataclass
class MeterState:
    """What the month loop needs; ``cum``/``last`` are registers before wrapping past digits."""

    meter_id: int
    zones: int
    mod: int  # 10 ** digits
    next_check: int  # ordinal of the next verification date
    base: float  # kWh a month at a season factor of 1
    shares: tuple[float, ...]  # of the consumption, per zone
    cum: list[int]  # what the registers count now
    last: list[int]  # the registers at the last accepted reading
    hist: list[list[int]]  # monthly volumes per zone, for averages


class MeterMaker:
    def __init__(self, ctx: Context, null: str) -> None:
        self.ctx = ctx
        self.null = null
        self.today = dt.date.fromisoformat(ctx.today).toordinal()
        self.start = dt.date.fromisoformat(ctx.months[0].period).toordinal()
        self.first_month = int(ctx.months[0].period[5:7]) - 1

    def make(
        self,
        r: Callable[[], float],
        b: Block,
        account_id: int,
        premise: PremiseInfo,
        closed_on: str | None,
    ) -> MeterState:
        ctx, n = self.ctx, self.null
        category = premise.category
        # Every run of 50 accounts has a 3-zone and a 2-zone meter, and every run of 20 an
        # expired and a soon-due verification, so that even a small data set shows them all.
        slot = (account_id - ctx.id_base["accounts"]) % 100
        u = r()
        if slot % 50 == 17:
            zones = 3
        elif slot % 50 == 33:
            zones = 2
        elif category == "urban_electric_stove":  # day/night tariffs pay off with electric stoves
            zones = 1 if u < 0.75 else 2 if u < 0.95 else 3
        else:
            zones = 1 if u < 0.9 else 2 if u < 0.98 else 3
        models = METER_MODELS[zones]
        model = models[int(r() * len(models))]
        digits = model.digits[int(r() * len(model.digits))]
        mod = 10**digits
        meter_id = ctx.id_base["meters"] + (account_id - ctx.id_base["accounts"])
        span = model.interval_years * 365
        u = r()
        if slot % 20 == 3:  # expired long enough ago to be billed by norm by now
            next_check = self.today - 150 - int(r() * 150)
        elif slot % 20 == 13:
            next_check = self.today + 1 + int(r() * 89)
        elif u < 0.04:  # verification expired within the last ten months
            next_check = self.today - 10 - int(r() * 290)
        elif u < 0.07:  # due within 90 days
            next_check = self.today + 1 + int(r() * 89)
        else:
            next_check = self.today + 91 + int(r() * (span - 600))
        checked = dt.date.fromordinal(next_check - span).isoformat()
        places = FLAT_METER_PLACES if premise.is_flat else HOUSE_METER_PLACES
        serial = f"{model.serial_prefix}{(account_id * _SERIAL_MUL + _SERIAL_ADD) % 10**8:08d}"
        b.meters.append(
            f"{meter_id}\t{account_id}\t{serial}\t{model.name}\tindividual\t{zones}\t{digits}\t"
            f"1\t{checked}\t{checked}\t{dt.date.fromordinal(next_check).isoformat()}\t"
            f"{places[int(r() * len(places))]}\t{'active' if closed_on is None else 'removed'}\t"
            f"{closed_on or n}\n"
        )
        residents, rooms = premise.residents, premise.rooms
        base: float
        if category == "urban_gas_stove":
            base = 55 + 38 * residents + 6 * rooms
        elif category == "urban_electric_stove":
            base = 130 + 55 * residents + 10 * rooms
        else:
            base = 90 + 45 * residents + 9 * rooms
        base *= 0.7 + 0.6 * r()
        if zones == 1:
            shares: tuple[float, ...] = (1.0,)
        elif zones == 2:
            day = 0.62 + 0.16 * r()
            shares = (day, 1.0 - day)
        else:
            peak, night = 0.22 + 0.1 * r(), 0.2 + 0.1 * r()
            shares = (peak, 1.0 - peak - night, night)
        # The registers hold what the meter counted since it was verified and installed.
        counted = max(1, (self.start - next_check + span) // 30)
        cum = [int(base * s * counted * (0.8 + 0.4 * r())) for s in shares]
        if digits == 5 and r() < 0.08:  # an old meter about to wrap past 99 999
            cum[0] = mod - 200 - int(r() * 1500)
        hist = [
            [int(base * s * SEASON[(self.first_month - k) % 12]) for k in range(6, 0, -1)]
            for s in shares
        ]
        baseline = ctx.baseline
        taken = baseline.days[19]
        for z in range(zones):
            b.reading_id += 1
            b.readings.append(
                f"{b.reading_id}\t{meter_id}\t{z + 1}\t{cum[z] % mod}\t{taken}\t{taken} 05:00:00"
                f"{ctx.ts_suffix}\t{baseline.period}\timport\t{n}\taccepted\t{n}\t0\n"
            )
        return MeterState(meter_id, zones, mod, next_check, base, shares, cum, cum[:], hist)
