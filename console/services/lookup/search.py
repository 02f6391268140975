"""Account lookup: one search box finds an account by number, address, name, serial, phone, ….

:func:`search` classifies the text (:mod:`lookup_query`), runs the matching steps
(:mod:`lookup_sql`) until one finds something, and returns the best matches first, capped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import TextClause, text

from console.models.enums import AccountStatus
from console.services.core.address_format import format_address
from console.services.core.database import Database
from console.services.core.normalize import tokens
from console.services.lookup import sql as lookup_sql
from console.services.lookup.query import (
    MAX_QUERY_LENGTH,
    MIN_FRAGMENT_DIGITS,
    Query,
    classify,
    serial_variants,
)
from console.services.lookup.sql import MATCH_OF_RANK, Step
from console.services.privacy import identity
from console.services.staff.actor import SYSTEM, Actor
from console.services.vocabulary.labels import label_of

DEFAULT_LIMIT = 300
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class SearchRow:
    """One found account, as the results table shows it."""

    account_id: int
    number: str
    holder: str
    address: str
    balance: Decimal  # positive = долг, negative = переплата
    status: str  # AccountStatus value: "active" / "closed"
    supplier: str
    match: str = ""  # how it matched: account_exact, serial_exact, phone, address, name, …

    @property
    def status_label(self) -> str:
        return label_of(AccountStatus, self.status)


@dataclass(frozen=True)
class SearchResult:
    """Found rows (best first), what the query was taken for, and whether the cap cut it."""

    rows: tuple[SearchRow, ...]
    kind: str
    truncated: bool
    message: str = ""  # a Russian sentence when there is nothing to show or too much

    @property
    def unique_exact(self) -> SearchRow | None:
        """The one row of an exact account number or serial hit (open its card directly)."""
        if len(self.rows) == 1 and self.rows[0].match in ("account_exact", "serial_exact"):
            return self.rows[0]
        return None


MESSAGES = {
    "empty": "Введите номер лицевого счёта, адрес, фамилию, номер счётчика, телефон или паспорт.",
    "too_long": "Слишком длинный запрос: введите не больше {max} символов.",
    "no_terms": "В запросе нет ни букв, ни цифр, по которым можно искать.",
    "too_short": "Слишком короткий запрос: введите хотя бы две буквы или цифры.",
    "short_digits": "Точного совпадения нет. Для поиска по части номера нужно {n} цифр или больше.",
    "phone_incomplete": "Номер телефона введён не полностью.",
    "not_found": "Ничего не найдено по запросу «{q}».",
    "truncated": "Найдено больше {limit}: уточните запрос.",
    "code_without_account": "В QR-коде нет номера лицевого счёта (поле PersAcc).",
    "code_unknown_account": "Лицевой счёт {n} из QR-кода не найден. Проверьте, что квитанция "
    "нашей организации, или найдите клиента по адресу.",
}


def search(
    db: Database, query: str, *, limit: int = DEFAULT_LIMIT, actor: Actor | None = None
) -> SearchResult:
    """Find accounts by whatever the clerk typed. A passport lookup is recorded in the audit."""
    limit = max(1, limit)
    q = classify(query)
    if not q.searchable:
        message = MESSAGES[q.kind].format(max=MAX_QUERY_LENGTH)
        return SearchResult((), q.kind, False, message)
    if q.kind == "passport":
        return _passport(db, q, limit, actor or SYSTEM)
    # Every statement of a lookup stands alone: no transaction, no session, the driver itself.
    line = db.lookup_line
    return _run(lambda step: line.fetch(step.sql, step.params), q, limit, db.is_postgres)


Fetch = Callable[[Step], Sequence[Sequence[Any]]]  # one step's rows, columns as lookup_sql._rows


def _run(fetch: Fetch, q: Query, limit: int, pg: bool) -> SearchResult:
    kind = q.kind
    if kind == "payment_code":
        if not q.digits:
            return SearchResult((), "account_exact", False, MESSAGES["code_without_account"])
        hits = _execute(fetch, lookup_sql.exact_number(q.digits, (), None, limit, pg))
        if not hits:
            message = MESSAGES["code_unknown_account"].format(n=q.digits)
            return SearchResult((), "account_exact", False, message)
        return _result(hits, "account_exact", limit, q)
    if kind == "phone_tail":
        hits = _execute(fetch, lookup_sql.phone_tail(q.digits, limit, pg))
        if hits:
            return _result(hits, "phone", limit, q)
        kind = "number"  # not a phone's end: an account number or serial typed in groups
        q = replace(q, kind=kind, serials=serial_variants(q.digits))
    if kind == "number":
        hits = _execute(fetch, lookup_sql.exact_number(q.digits, q.serials, q.phone, limit, pg))
        if hits:
            return _result(hits, hits[0][1].match, limit, q)
        if len(q.digits) < MIN_FRAGMENT_DIGITS:
            message = MESSAGES["short_digits"].format(n=MIN_FRAGMENT_DIGITS)
            return SearchResult((), "account_exact", False, message)
        step = lookup_sql.account_fragment(q.digits, limit, pg)
        return _result(_execute(fetch, step), "account_fragment", limit, q)
    if kind == "serial":
        step = lookup_sql.serial(q.serials, limit, pg)
        return _result(_execute(fetch, step), "serial_exact", limit, q)
    if kind == "phone":
        if q.phone is None:
            return SearchResult((), "phone", False, MESSAGES["phone_incomplete"])
        step = lookup_sql.by_customer("phone", q.phone, lookup_sql.RANK_PHONE, limit, pg)
        return _result(_execute(fetch, step), "phone", limit, q)
    if kind == "email":
        assert q.email is not None
        step = lookup_sql.by_customer("email", q.email, lookup_sql.RANK_EMAIL, limit, pg)
        return _result(_execute(fetch, step), "email", limit, q)
    if kind == "name":
        people = _people(fetch, q.terms, limit, pg)
        if people and len(q.terms) > 1:
            return _result(people, "surname", limit, q)
        # One word may be a surname and a street at once ("климова"), or a street or settlement
        # alone ("ленина", "курган"): the people first, then the addresses.
        places = _text(fetch, "premises", tokens(q.raw), limit, pg)
        if not people:
            return _result(places, "address", limit, q)
        return _both(people, places, limit, q)
    return _result(_text(fetch, "premises", q.terms, limit, pg), "address", limit, q)


Hit = tuple[int, SearchRow]  # (rank, row): lower rank is a better match


def _text(fetch: Fetch, table: str, terms: Sequence[str], limit: int, pg: bool) -> list[Hit]:
    """Phrase search; when the cap cuts it, make sure the whole-word matches are in."""
    terms = tuple(terms)
    if not terms:
        return []
    match = "surname" if table == "customers" else "address"
    step = lookup_sql.phrase(table, terms, limit, pg, strict_only=False)
    hits = _execute(fetch, step, match)
    if len(hits) > limit:
        step = lookup_sql.phrase(table, terms, limit, pg, strict_only=True)
        hits = _merge(_execute(fetch, step, match) + hits)
    if not hits and len(terms) > 1:
        hits = _execute(fetch, lookup_sql.any_order(table, terms, limit, pg), match)
    return hits


def _people(fetch: Fetch, terms: Sequence[str], limit: int, pg: bool) -> list[Hit]:
    """A name as typed; failing that, initials typed without dots ("маркова нв" = "маркова н в")."""
    hits = _text(fetch, "customers", terms, limit, pg)
    if hits or len(terms) < 2:
        return hits
    spread = [terms[0]]
    for term in terms[1:]:
        initials = len(term) in (2, 3) and term.isalpha()
        spread.extend(list(term) if initials else [term])
    if len(spread) == len(terms):
        return []
    return _text(fetch, "customers", spread, limit, pg)


def _both(people: list[Hit], places: list[Hit], limit: int, q: Query) -> SearchResult:
    """People found by the surname, then the accounts on a street of that name."""
    seen = {row.account_id for _, row in people}
    rows = [_with_match(row, row.match or "surname") for _, row in people]
    rows += [
        _with_match(row, row.match or "address") for _, row in places if row.account_id not in seen
    ]
    if len(rows) > limit:
        return SearchResult(
            tuple(rows[:limit]), "surname", True, MESSAGES["truncated"].format(limit=limit)
        )
    return SearchResult(tuple(rows), "surname", False, "")


def _passport(db: Database, q: Query, limit: int, actor: Actor) -> SearchResult:
    assert q.passport is not None
    series, number = q.passport
    with db.transaction() as session:
        # 152-ФЗ: the search by the keyed hash records who looked up which passport (masked),
        # found or not; on PostgreSQL the database function does both.
        found = identity.find(session, actor, series, number)
        hits: list[Hit] = []
        if found is not None:
            step = lookup_sql.passport(found, limit, db.is_postgres)
            hits = _execute(lambda s: session.execute(_statement(s.sql), s.params).all(), step)
    return _result(hits, "passport", limit, q)


def _execute(fetch: Fetch, step: Step, match: str = "") -> list[Hit]:
    return _merge([_hit(r, match) for r in fetch(step)])


@lru_cache(maxsize=64)
def _statement(sql: str) -> TextClause:
    """The parsed statement, kept (the passport lookup runs it in its audited transaction)."""
    return text(sql)


_CENTS = Decimal("0.01")


def _hit(r: Sequence[Any], match: str) -> Hit:
    (
        account_id, number, status, short_name, settlement_type, settlement, street_type, street,
        house, building, flat, holder, balance, rank,
    ) = r  # fmt: skip
    row = SearchRow(
        account_id=int(account_id),
        number=number,
        holder=holder or "",
        address=format_address(
            settlement_type, settlement, street_type, street, house, building, flat
        ),
        balance=Decimal(balance).quantize(_CENTS),
        status=status,
        supplier=short_name,
        match=MATCH_OF_RANK.get(int(rank), match),
    )
    return int(rank), row


def _merge(hits: Sequence[Hit]) -> list[Hit]:
    """Deduplicate by account (best rank wins) and sort: rank, open accounts first, holder."""
    best: dict[int, Hit] = {}
    for rank, row in hits:
        if row.account_id not in best or rank < best[row.account_id][0]:
            best[row.account_id] = (rank, row)
    return sorted(best.values(), key=_order)


def _order(hit: Hit) -> tuple[object, ...]:
    """Rank, open accounts first, then by name (a name search) or address (10 after 9)."""
    rank, row = hit
    place = _natural(row.address)
    first, second = (row.holder, place) if row.match == "surname" else (place, row.holder)
    return (rank, row.status != "active", first, second, row.number)


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text.casefold()))


def _result(hits: list[Hit], kind: str, limit: int, q: Query) -> SearchResult:
    rows = tuple(row if row.match else _with_match(row, kind) for _, row in hits)
    if len(rows) > limit:
        message = MESSAGES["truncated"].format(limit=limit)
        return SearchResult(rows[:limit], kind, True, message)
    message = "" if rows else MESSAGES["not_found"].format(q=q.raw)
    return SearchResult(rows, kind, False, message)


def _with_match(row: SearchRow, match: str) -> SearchRow:
    return replace(row, match=match)
