"""Twelve months of an account's life: readings, charges by meter, average or norm (with the
recalculation when a reading comes back), payments, ledger entries and month statements.

The ledger gets what the billing run writes (``billing_statements.write_charges``): per
account, service and month one entry for the charges of all zones and one for the
recalculation, with the run's texts and no staff.

Money is integer kopecks here, exact. A volume times a rate (1/10 000 руб.) is rounded half up
to kopecks once per line, as the billing does. Money and fractional volumes are written as
integers with an exponent ("12345e-2" is 123,45): exact in PostgreSQL's numeric and in
SQLite's numeric affinity, and cheap to format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from console.services.billing.rules import ledger_text
from console.services.demo.context import Context
from console.services.demo.meters import MeterMaker
from console.services.demo.payments import TIMES, Payer, PaymentWriter
from console.services.demo.premises import PremiseInfo
from console.services.demo.rows import Block

# Where readings come from, per cent: site, registry import, counter, phone, inspector's round.
_SOURCES = (
    ("web",) * 38 + ("import",) * 22 + ("office",) * 15 + ("phone",) * 15 + ("inspector",) * 10
)
_BY_STAFF = frozenset({"office", "phone"})
AVERAGE_MONTHS = 3  # at most this many months by average in a row, then by norm (354, п.59–60)
EXPIRED = "Истёк срок поверки прибора учёта"
MISSING = "Показания не переданы"


def amount(milli_kwh: int, rate: int) -> int:
    """Kopecks for a volume (1/1000 kWh) at a rate (1/10 000 руб.), half up."""
    return (milli_kwh * rate + 50_000) // 100_000


class HistoryMaker:
    """Writes an account's meter and everything that happened to it in the history."""

    def __init__(self, ctx: Context, null: str) -> None:
        self.ctx = ctx
        self.null = null
        self.meters = MeterMaker(ctx, null)
        self.payments = PaymentWriter(ctx, null)
        self.firsts = [dt.date.fromisoformat(m.period).toordinal() for m in ctx.months]
        n = null
        # The constant parts of the lines a month writes: formatted once, not once a row.
        self.charge_tail = [f"\t{m.closed_at}\n" for m in ctx.months]
        self.ledger_head = [f"\t{m.period}\t" for m in ctx.months]
        self.ledger_tails = [
            {
                kind: f"\t{n}\t{n}\t{n}\t{ledger_text(kind, dt.date.fromisoformat(m.period))}"
                f"\t{m.closed_at}\n"
                for kind in ("charge", "recalculation")
            }
            for m in ctx.months
        ]
        start = dt.date.fromisoformat(ctx.months[0].period)
        self.opening_text = f"Входящее сальдо на {start:%d.%m.%Y}"

    def account(
        self,
        r: Callable[[], float],
        b: Block,
        account_id: int,
        premise: PremiseInfo,
        payer_name: str,
        closed_m: int | None,
        closed_day: int,
        vdgo: bool,
    ) -> None:
        ctx, n, sfx = self.ctx, self.null, self.ctx.ts_suffix
        months, plan, category = ctx.months, premise.plan, premise.category
        closed_on = months[closed_m].days[closed_day - 1] if closed_m is not None else None
        meter = self.meters.make(r, b, account_id, premise, closed_on)
        zones, mod, cum, last, hist = meter.zones, meter.mod, meter.cum, meter.last, meter.hist
        base, shares, meter_id = meter.base, meter.shares, meter.meter_id
        staff = plan.staff_ids
        rates = plan.rates[(category, zones)]
        u = r()
        submit_p = 0.96 if u < 0.68 else 0.8 if u < 0.9 else 0.6
        gap: list[tuple[int, list[int]]] = []  # months by average awaiting the next reading
        estimated = 0  # months in a row billed without a reading
        bill = int(base * rates[0][0][0] / 100)  # a typical month, kopecks
        payer = Payer(r, bill, plan.min_payment)
        balance, previous_total = payer.opening, bill
        readings, statements, ledger = b.readings, b.statements, b.ledger
        if balance:
            b.ledger_id += 1
            ledger.append(
                f"{b.ledger_id}\t{account_id}\t{months[0].period}\topening\t{balance}e-2\t{n}\t"
                f"{n}\t{n}\t{n}\t{self.opening_text}\t{months[0].days[0]} 00:00:00{sfx}\n"
            )
        for m, month in enumerate(months):
            opening = balance
            current = m == 12
            after = closed_m is not None and m > closed_m
            # Payments come during the month, charges at its end.
            pay = payer.amount(r, m, balance, after)
            if pay:
                day = 1 + int(r() * (20 if payer.kind == 0 else 25))
                if current and day >= ctx.today_day:
                    pay = 0
                else:
                    payer.last_paid = m
                    self.payments.write(
                        r, b, account_id, plan, m, day, pay, payer_name, vdgo, previous_total
                    )
                    balance -= pay
            if after:
                if not current:
                    b.statement_id += 1
                    statements.append(
                        f"{b.statement_id}\t{account_id}\t{month.period}\t{opening}e-2\t0\t0\t"
                        f"{pay}e-2\t{balance}e-2\n"
                    )
                continue
            # --- the month's readings -------------------------------------------------------
            season = month.season * (0.88 + 0.24 * r())
            for z in range(zones):
                cum[z] += int(base * season * shares[z])
            day = closed_day if closed_m == m else 15 + int(r() * 11)
            expired = self.firsts[m] + day - 1 >= meter.next_check
            if current:
                submitted = day < ctx.today_day and r() < submit_p
            elif closed_m == m:
                submitted = not expired
            else:
                submitted = not expired and (r() < submit_p or len(gap) >= AVERAGE_MONTHS)
            if submitted:
                source = _SOURCES[int(r() * 100)]
                who = staff[int(r() * len(staff))] if source in _BY_STAFF and staff else n
                taken = month.days[day - 1]
                late = 1 if source == "inspector" and day < len(month.days) else 0
                entered = f"{month.days[day - 1 + late]} {TIMES[240 + int(r() * 600)]}{sfx}"
                if m and r() < 0.015 and last[0] % mod > 50:  # a mistyped value, refused
                    b.reading_id += 1
                    readings.append(
                        f"{b.reading_id}\t{meter_id}\t1\t{last[0] % mod - 1 - int(r() * 40)}\t"
                        f"{taken}\t{taken} 03:30:00{sfx}\t{month.period}\tweb\t{n}\trejected\t"
                        f"Показание меньше предыдущего\t0\n"
                    )
                shared = f"\t{taken}\t{entered}\t{month.period}\t{source}\t{who}\taccepted\t{n}\t"
                for z in range(zones):
                    b.reading_id += 1
                    readings.append(
                        f"{b.reading_id}\t{meter_id}\t{z + 1}\t{cum[z] % mod}{shared}"
                        f"{1 if cum[z] // mod != last[z] // mod else 0}\n"
                    )
            if current:
                break
            # --- charges at the month's end --------------------------------------------------
            charged = recalculated = 0
            rate_m = rates[m]
            if submitted:
                estimated = 0
                note = self._recalc_note(cum[0] - last[0], gap) if gap else n
                for z in range(zones):
                    volume = cum[z] - last[z]
                    recalc = 0
                    own = volume
                    if gap:  # spread evenly over the months by average and this one
                        share = volume // (len(gap) + 1)
                        own = volume - share * len(gap)
                        for gm, billed in gap:
                            recalc += amount(share * 1000, rates[gm][z][0]) - billed[z]
                            hist[z].append(share)
                    hist[z].append(own)
                    cost = amount(own * 1000, rate_m[z][0])
                    self._charge(
                        b, account_id, ctx.electricity_id, m, z + 1, meter_id, last[z] % mod,
                        cum[z] % mod, str(own), rate_m[z][1], cost, recalc, "meter", note,
                    )  # fmt: skip
                    charged += cost
                    recalculated += recalc
                    last[z] = cum[z]
                gap = []
            else:
                estimated += 1
                why = EXPIRED if expired else MISSING
                if estimated <= AVERAGE_MONTHS:
                    billed = []
                    for z in range(zones):
                        recent = hist[z][-6:]
                        avg = (sum(recent) * 1000 + len(recent) // 2) // len(recent)
                        cost = amount(avg, rate_m[z][0])
                        billed.append(cost)
                        self._charge(
                            b, account_id, ctx.electricity_id, m, z + 1, meter_id, None, None,
                            f"{avg}e-3", rate_m[z][1], cost, 0, "average",
                            f"{why}: начислено по среднему ({estimated}-й мес.)",
                        )  # fmt: skip
                        charged += cost
                    if not expired:
                        gap.append((m, billed))
                else:  # by norm, at the single-rate tariff: the meter's zones are not trusted
                    residents = premise.residents
                    norm = plan.norms[category][min(premise.rooms, 4) - 1] * residents
                    rate = plan.rates[(category, 1)][m][0]
                    cost = amount(norm * 1000, rate[0])
                    self._charge(
                        b, account_id, ctx.electricity_id, m, 1, meter_id, None, None, str(norm),
                        rate[1], cost, 0, "norm",
                        f"{why} более {AVERAGE_MONTHS} мес.: начислено по нормативу "
                        f"({norm // residents} кВт·ч × {residents} чел.)",
                    )  # fmt: skip
                    charged += cost
            self._ledger(b, account_id, m, ctx.electricity_id, "charge", charged)
            self._ledger(b, account_id, m, ctx.electricity_id, "recalculation", recalculated)
            if vdgo:
                self._charge(
                    b, account_id, ctx.vdgo_id, m, 1, None, None, None, "1", ctx.vdgo_fee_text,
                    ctx.vdgo_fee, 0, "norm", "Ежемесячная плата по договору ТО ВДГО",
                )  # fmt: skip
                self._ledger(b, account_id, m, ctx.vdgo_id, "charge", ctx.vdgo_fee)
                charged += ctx.vdgo_fee
            previous_total = charged + recalculated
            balance += charged + recalculated
            b.statement_id += 1
            statements.append(
                f"{b.statement_id}\t{account_id}\t{month.period}\t{opening}e-2\t{charged}e-2\t"
                f"{recalculated}e-2\t{pay}e-2\t{balance}e-2\n"
            )

    def _recalc_note(self, volume: int, gap: list[tuple[int, list[int]]]) -> str:
        months = self.ctx.months
        first, last = months[gap[0][0]].label, months[gap[-1][0]].label
        span = first if first == last else f"{first}–{last}"
        return (
            f"Показания за {len(gap) + 1} мес.: {volume} кВт·ч распределены поровну; "
            f"перерасчёт за {span} вместо начисления по среднему"
        )

    def _charge(
        self, b: Block, account_id: int, service: int, m: int, zone: int, meter: int | None,
        start: int | None, end: int | None, volume: str, rate: str, cost: int, recalc: int,
        method: str, note: str,
    ) -> None:  # fmt: skip
        """A charge line: one zone of one service in one month."""
        n, period = self.null, self.ctx.months[m].period
        b.charge_id += 1
        b.charges.append(
            f"{b.charge_id}\t{account_id}\t{service}\t{period}\t{zone}\t"
            f"{n if meter is None else meter}\t{n if start is None else start}\t"
            f"{n if end is None else end}\t{volume}\t{rate}\t1\t0\t{cost}e-2\t{recalc}e-2\t"
            f"{method}\t{note}{self.charge_tail[m]}"
        )

    def _ledger(
        self, b: Block, account_id: int, m: int, service: int, kind: str, amount: int
    ) -> None:
        """A ledger entry of the billing run: all zones of a service in a month, if not 0."""
        if amount:
            b.ledger_id += 1
            b.ledger.append(
                f"{b.ledger_id}\t{account_id}{self.ledger_head[m]}{kind}\t{amount}e-2\t{service}"
                f"{self.ledger_tails[m][kind]}"
            )
