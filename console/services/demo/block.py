"""One block of accounts: premise, people, account, holders and history of each account."""

from __future__ import annotations

import datetime as dt
import random

from console.services.demo.context import Context
from console.services.demo.history import HistoryMaker
from console.services.demo.people import PeopleMaker, pick_surname
from console.services.demo.premises import PremiseMaker
from console.services.demo.rows import Block

_NUMBER_MUL, _NUMBER_ADD = 3_947_861, 1_234_567  # coprime to 10: a bijection on the digits
_FIRST_OPENED = dt.date(2006, 1, 1).toordinal()
Makers = tuple[PremiseMaker, PeopleMaker, HistoryMaker]
# The makers of the last context, kept between its blocks (their caches pay off over many).
_last: list[tuple[Context, str, Makers]] = []


def _makers_for(ctx: Context, null: str) -> Makers:
    if not _last or _last[0][0] is not ctx or _last[0][1] != null:
        premises = PremiseMaker(ctx, null)
        makers = (premises, PeopleMaker(ctx, null, premises.search_text), HistoryMaker(ctx, null))
        _last[:] = [(ctx, null, makers)]
    return _last[0][2]


def build_block(ctx: Context, index: int, null: str) -> dict[str, list[str]]:
    """The rows of block ``index``: the same for the same seed, whatever else runs."""
    premises, people, history = _makers_for(ctx, null)
    rng = random.Random(ctx.seed * 1_000_003 + index)
    r = rng.random
    b = Block(ctx, index)
    n, sfx = null, ctx.ts_suffix
    start = dt.date.fromisoformat(ctx.months[0].period).toordinal()
    for i in range(b.start, b.stop):
        info = premises.make(i, r, b.premises)
        plan = info.plan
        account_id = ctx.id_base["accounts"] + i + 1
        birth = people.today - int((22 + 63 * r()) * 365.25)
        age = (people.today - birth) / 365.25
        earliest = max(_FIRST_OPENED, birth + 6575)  # an owner is an adult (18 × 365.25)
        opened = start - 30 - int(r() * max(0, start - 30 - earliest))
        opened_text = dt.date.fromordinal(opened).isoformat()
        staff = plan.staff_ids[int(r() * len(plan.staff_ids))] if plan.staff_ids else n
        email_bill = r() < 0.12
        male = r() < 0.48
        surname = pick_surname(r)
        holder = people.person(
            r, 3 * i, b.customer_id + 1, info, male=male, surname=surname, birth=birth, father=None,
            email=email_bill, opened=opened, staff=staff, out=b.customers, identities=b.identities,
        )  # fmt: skip
        b.customer_id += 1
        bound = f"{opened_text} 05:00:00{sfx}"
        relation = "tenant" if info.is_flat and r() < 0.05 else "owner"
        b.holder_id += 1
        b.holders.append(
            f"{b.holder_id}\t{account_id}\t{holder.customer_id}\t{relation}\t1\tdocument\t"
            f"{bound}\t{staff}\n"
        )
        if r() < 0.22 and age >= 25:  # a spouse, and sometimes a grown-up child
            family = [(not male, age - 6 + 12 * r(), "owner" if r() < 0.4 else "registered")]
            if age >= 42 and r() < 0.4:
                family.append(
                    (r() < 0.5, 18 + (age - 40) * r(), "registered" if r() < 0.5 else "resident")
                )
            dad = holder.first if male else None
            for slot, (is_male, years, rel) in enumerate(family, start=1):
                born = people.today - int(max(18.0, years) * 365.25 + r() * 365)
                person = people.person(
                    r, 3 * i + slot, b.customer_id + 1, info, male=is_male, surname=surname,
                    birth=born, father=dad if slot == 2 else None, email=False, opened=opened,
                    staff=staff, out=b.customers, identities=b.identities,
                )  # fmt: skip
                if slot == 1 and is_male:  # the spouse is the children's father
                    dad = person.first
                b.customer_id += 1
                b.holder_id += 1
                b.holders.append(
                    f"{b.holder_id}\t{account_id}\t{person.customer_id}\t{rel}\t0\t{n}\t{bound}\t"
                    f"{staff}\n"
                )
        digits = plan.number_length - 2
        number = (
            f"{plan.place.region_code}{(i * _NUMBER_MUL + _NUMBER_ADD) % 10**digits:0{digits}d}"
        )
        closed_m = 2 + int(r() * 10) if r() < 0.012 else None
        closed_day = 20 + int(r() * 9)
        closed_on = ctx.months[closed_m].days[closed_day - 1] if closed_m is not None else n
        delivery = "email" if email_bill and holder.email else "paper"
        b.accounts.append(
            f"{account_id}\t{number}\t{plan.supplier_id}\t{info.premise_id}\t{info.category}\t"
            f"{'active' if closed_m is None else 'closed'}\t{delivery}\t"
            f"{holder.email if delivery == 'email' else n}\t{opened_text}\t{closed_on}\n"
        )
        vdgo = info.gas and r() * 100 < plan.place.vdgo_share
        history.account(r, b, account_id, info, holder.short, closed_m, closed_day, vdgo)
    return b.tables()
