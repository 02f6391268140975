"""Payments: who pays how (regular, now and then, ahead, debtor, never), where, and how a
payment is split over the account's services and entered in the ledger."""

from __future__ import annotations

from collections.abc import Callable

from console.services.demo.context import Context, RegionPlan
from console.services.demo.rows import Block

# How a payer behaves, per cent: regular, every 2–3 months, ahead, debtor, never.
REGULAR, SOMETIMES, AHEAD, DEBTOR, NEVER = range(5)
PAYER_KINDS = (REGULAR,) * 60 + (SOMETIMES,) * 16 + (AHEAD,) * 7 + (DEBTOR,) * 13 + (NEVER,) * 4
TIMES = tuple(f"{h:02d}:{m:02d}:00" for h in range(24) for m in range(60))
_VIA = {"sberbank": "Оплата через ПАО Сбербанк", "pochta": "Оплата через Почту России",
        "site": "Оплата на сайте"}  # fmt: skip


class Payer:
    """One account's paying habits; ``amount`` decides a month, in kopecks (0: no payment)."""

    def __init__(self, r: Callable[[], float], bill: int, min_payment: int) -> None:
        self.kind = PAYER_KINDS[int(r() * 100)]
        self.min = min_payment
        self.every = 2 + int(r() * 2)
        self.ahead = (int(bill * 1.4) // 10_000 + 1) * 10_000  # a round sum, a bit over a bill
        self.last_paid = -1
        kind = self.kind
        if r() < 0.12:
            self.opening = 0
        elif kind == DEBTOR:
            self.opening = int(bill * (2 + 10 * r()))
        elif kind == NEVER:
            self.opening = int(bill * (3 + 17 * r()))
        elif kind == AHEAD:
            self.opening = -int(200_000 * r())
        else:
            self.opening = int(bill * (0.9 + 0.2 * r()))

    def amount(self, r: Callable[[], float], m: int, due: int, settle: bool) -> int:
        kind = self.kind
        if settle:  # the account is closed: the last bill is paid off once
            return due if due >= self.min and kind != NEVER else 0
        if kind == REGULAR:
            if due >= self.min and r() > 0.05:
                return (due // 10_000 + 1) * 10_000 if r() < 0.15 else due
        elif kind == SOMETIMES:
            if m - self.last_paid >= self.every and due >= self.min:
                return (due + 99) // 100 * 100
        elif kind == AHEAD:
            if due > -2 * self.ahead:
                return self.ahead
        elif kind == DEBTOR and due >= self.min and r() < 0.35:
            return max(self.min, int(due * (0.2 + 0.6 * r())) // 100 * 100)
        return 0


class PaymentWriter:
    def __init__(self, ctx: Context, null: str) -> None:
        self.ctx = ctx
        self.null = null

    def write(
        self, r: Callable[[], float], b: Block, account_id: int, plan: RegionPlan, m: int,
        day: int, pay: int, payer: str, vdgo: bool, previous_total: int,
    ) -> None:  # fmt: skip
        """A payment with its ledger entries (and its split, when there are two services)."""
        ctx, n = self.ctx, self.null
        month = ctx.months[m]
        b.payment_id += 1
        pid = b.payment_id
        paid_at = f"{month.days[day - 1]} {TIMES[240 + int(r() * 660)]}{ctx.ts_suffix}"
        office = staff = receipt = cash = source = external = n
        u = r()
        if u < 0.3:  # at the office counter, in cash or by card
            method = "cash" if u < 0.15 else "card"
            office, receipt = str(plan.office_id), f"{plan.office_code}-{pid}"
            if plan.staff_ids:
                staff = str(plan.staff_ids[int(r() * len(plan.staff_ids))])
            if method == "cash":
                cash = f"{(pay // 10_000 + 1) * 10_000 if r() < 0.5 else pay}e-2"
            note = "Оплата в офисе"
        else:
            if u < 0.75:
                method, source = "bank", "sberbank"
            elif u < 0.85:
                method, source = "bank", "pochta"
            else:
                method, source = "card", "site"
            external = str(pid)
            note = _VIA[source]
        b.payments.append(
            f"{pid}\t{account_id}\t{pay}e-2\t{paid_at}\t{method}\t{cash}\t{office}\t{staff}\t"
            f"{payer}\t{receipt}\t{source}\t{external}\t{paid_at}\n"
        )
        parts = [(ctx.electricity_id, pay)]
        if vdgo:  # split in proportion to what the last bill asked for each service
            gas = min(pay, pay * ctx.vdgo_fee // max(previous_total, ctx.vdgo_fee))
            parts = [(ctx.electricity_id, pay - gas), (ctx.vdgo_id, gas)]
            for service, part in parts:
                b.allocation_id += 1
                b.allocations.append(f"{b.allocation_id}\t{pid}\t{service}\t{part}e-2\n")
        for service, part in parts:
            if part:
                b.ledger_id += 1
                b.ledger.append(
                    f"{b.ledger_id}\t{account_id}\t{month.period}\tpayment\t{-part}e-2\t{service}\t"
                    f"{n}\t{pid}\t{staff}\t{note}\t{paid_at}\n"
                )
