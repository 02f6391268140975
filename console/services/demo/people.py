"""Customers bound to an account: the holder and sometimes a spouse or a grown-up child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from console.services.demo.context import Context
from console.services.demo.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    SURNAMES,
    female_surname,
    translit,
)
from console.services.demo.premises import PremiseInfo

_MALE = tuple(sorted(MALE_NAMES))
_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru")
# Passport series and numbers come from the customer's slot index: 6 digits of a bijection of
# the index, and a series whose region part changes every million slots — never a duplicate.
_PASSPORT_MUL, _PASSPORT_ADD = 479_001, 385_926


def snils_control(first9: str) -> str:
    """The two control digits of a СНИЛС (DOMAIN.md: weights 9..1, mod 101, 100 → 00)."""
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total > 101:
        total %= 101
    return "00" if total in (100, 101) else f"{total:02d}"


@dataclass(frozen=True)
class Person:
    customer_id: int
    last: str
    first: str
    middle: str
    male: bool
    birth: int  # ordinal
    email: str | None

    @property
    def short(self) -> str:
        """ "Иванов П. С." for a payer line."""
        return f"{self.last} {self.first[0]}. {self.middle[0]}."


class PeopleMaker:
    """Writes customers and account_holders rows."""

    def __init__(self, ctx: Context, null: str, search: Callable[..., str]) -> None:
        self.ctx = ctx
        self.null = null
        self.today = dt.date.fromisoformat(ctx.today).toordinal()
        self.search = search

    def person(
        self,
        r: Callable[[], float],
        slot: int,
        customer_id: int,
        premise: PremiseInfo,
        *,
        male: bool,
        surname: str,
        birth: int,
        father: str | None,
        email: bool,
        opened: int,
        staff: int | str,
        out: list[str],
        identities: list[str],
    ) -> Person:
        n, plan = self.null, premise.plan
        place = plan.place
        first = _MALE[int(r() * len(_MALE))] if male else FEMALE_NAMES[int(r() * len(FEMALE_NAMES))]
        father = father or _MALE[int(r() * len(_MALE))]
        middle = MALE_NAMES[father][0 if male else 1]
        last = surname if male else female_surname(surname)
        # A passport is issued at 14 and replaced at 20 and 45: the latest one counts.
        age_now = (self.today - birth) / 365.25
        issue_age = 45 if age_now >= 45.3 else 20 if age_now >= 20.3 else 14
        issued = birth + int(issue_age * 365.25) + 10 + int(r() * 90)
        issued = min(issued, self.today - 5)
        issued_date = dt.date.fromordinal(issued)
        year = issued_date.year
        authority = place.authorities[0 if year < 2005 else 1 if year < 2017 else 2]
        division = f"{place.division_prefix}-{1 + int(r() * 30):03d}"
        series = f"{plan.passport_codes[slot // 1_000_000]}{year % 100:02d}"
        number = f"{((slot % 1_000_000) * _PASSPORT_MUL + _PASSPORT_ADD) % 1_000_000:06d}"
        snils = n
        if r() < 0.75:
            body = f"{(slot * 7_919_591 + 271_828_182) % 1_000_000_000:09d}"
            snils = body + snils_control(body)
        phone = n
        if r() < 0.88:
            phone = f"+7{place.phone_codes[int(r() * len(place.phone_codes))]}{int(r() * 1e7):07d}"
        mail = None
        if email or r() < 0.3:
            domain = _DOMAINS[slot % len(_DOMAINS)]
            mail = f"{translit(last)}.{translit(first)[0]}{slot % 997}@{domain}"
        consent_at, consent_staff, mailing = n, n, 0
        if r() < 0.8:
            day = dt.date.fromordinal(opened).isoformat()
            consent_at = f"{day} 06:{slot % 60:02d}:00{self.ctx.ts_suffix}"
            consent_staff = str(staff)
            mailing = 1 if r() < 0.25 else 0
        created = f"{dt.date.fromordinal(opened).isoformat()} 05:00:00{self.ctx.ts_suffix}"
        out.append(
            f"{customer_id}\t{last}\t{first}\t{middle}\t{series[:2]} ** ******\t"
            f"{premise.address}\t{phone}\t{mail or n}\t{consent_at}\t{consent_staff}\t"
            f"{mailing}\t{self.search(last, first, middle)}\t{created}\n"
        )
        identities.append(
            f"{customer_id}\t{series}\t{number}\t{authority}\t{issued_date.isoformat()}\t"
            f"{division}\t{snils}\t{dt.date.fromordinal(birth).isoformat()}\n"
        )
        return Person(customer_id, last, first, middle, male, birth, mail)


def pick_surname(r: Callable[[], float]) -> str:
    return SURNAMES[int(r() * len(SURNAMES))]
