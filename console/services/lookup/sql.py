"""The SQL of the lookup: one statement per step finds the hits and fetches their result rows.

Each step is a ``hits`` query (account id + rank) wrapped in the same row-fetching statement, so
a lookup is one round trip. Substring conditions are ``search_text LIKE '%…%'`` on the stored
normalised text: on PostgreSQL the pg_trgm GIN indexes answer them. The candidate scan sits in a
MATERIALIZED CTE and the LIMIT outside it: planned without the LIMIT, PostgreSQL keeps the index
instead of gambling on a sequential scan that "stops early", and still stops reading at the cap.
Every value is a bind parameter; LIKE patterns are escaped with ``!``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Ranks: lower is a better match; they also say how the row matched.
RANK_ACCOUNT = 0
RANK_SERIAL = 1
RANK_PASSPORT = 2
RANK_PHONE = 3
RANK_EMAIL = 4
RANK_STRICT = 10  # every typed word is a whole word of the address/name, in order
RANK_LOOSE = 11  # the last word is only begun
RANK_ANY_ORDER = 12  # words found in another order
RANK_PREFIX = 20  # the account number starts with the typed digits
RANK_FRAGMENT = 21  # …or contains them

MATCH_OF_RANK = {
    RANK_ACCOUNT: "account_exact",
    RANK_SERIAL: "serial_exact",
    RANK_PASSPORT: "passport",
    RANK_PHONE: "phone",
    RANK_EMAIL: "email",
    RANK_PREFIX: "account_fragment",
    RANK_FRAGMENT: "account_fragment",
}

_ACTIVE_HOLDER = "ah.unbound_at IS NULL"


@dataclass(frozen=True)
class Step:
    """One statement of a lookup: SQL text with ``:name`` binds and its parameters."""

    sql: str
    params: dict[str, Any]


def like_escape(text: str) -> str:
    """Make typed text literal inside a LIKE pattern (escape character ``!``)."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _rows(hits: str, materialized: bool) -> str:
    """Wrap a hits query (columns account_id, rank) into the statement returning result rows."""
    mat = "MATERIALIZED " if materialized else ""
    # The holder and the balance are scalar subqueries rather than joins: PostgreSQL plans
    # them several times faster, and planning is most of the cost of an exact lookup.
    return f"""
WITH hits AS {mat}({hits}),
best AS (SELECT account_id, MIN(rank) AS rank FROM hits GROUP BY account_id LIMIT :cap)
SELECT a.id, a.number, a.status, s.short_name,
       p.settlement_type, p.settlement, p.street_type, p.street, p.house, p.building, p.flat,
       (SELECT c.last_name || ' ' || c.first_name || COALESCE(' ' || c.middle_name, '')
          FROM account_holders ah JOIN customers c ON c.id = ah.customer_id
         WHERE ah.account_id = a.id AND ah.is_primary AND {_ACTIVE_HOLDER}
         ORDER BY ah.id LIMIT 1) AS holder,
       (SELECT COALESCE(SUM(le.amount), 0) FROM ledger_entries le
         WHERE le.account_id = a.id) AS balance,
       best.rank
FROM best
JOIN accounts a ON a.id = best.account_id
JOIN suppliers s ON s.id = a.supplier_id
JOIN premises p ON p.id = a.premise_id
"""


def _holders_of(customers: str, rank: str) -> str:
    """Accounts bound (now) to the customers selected by ``customers`` (columns id[, …])."""
    return (
        f"SELECT ah.account_id, {rank} AS rank FROM ({customers}) c "
        f"JOIN account_holders ah ON ah.customer_id = c.id AND {_ACTIVE_HOLDER}"
    )


def exact_number(
    digits: str, serials: tuple[str, ...], phone: str | None, cap: int, pg: bool
) -> Step:
    """Account number, meter serial and (if it is one) phone, all by equality."""
    parts = [
        f"SELECT id AS account_id, {RANK_ACCOUNT} AS rank FROM accounts WHERE number = :digits"
    ]
    params: dict[str, Any] = {"digits": digits, "cap": cap + 1}
    if serials:
        parts.append(_serial_hits(serials, params))
    if phone:
        parts.append(_holders_of("SELECT id FROM customers WHERE phone = :phone", str(RANK_PHONE)))
        params["phone"] = phone
    return Step(_rows(" UNION ALL ".join(parts), pg), params)


def _serial_hits(serials: tuple[str, ...], params: dict[str, Any]) -> str:
    names = []
    for i, serial in enumerate(serials):
        params[f"serial{i}"] = serial
        names.append(f":serial{i}")
    return (
        f"SELECT account_id, {RANK_SERIAL} AS rank FROM meters WHERE serial IN ({', '.join(names)})"
    )


def serial(serials: tuple[str, ...], cap: int, pg: bool) -> Step:
    params: dict[str, Any] = {"cap": cap + 1}
    return Step(_rows(_serial_hits(serials, params), pg), params)


def account_fragment(digits: str, cap: int, pg: bool) -> Step:
    """Account numbers containing the digits; those starting with them first."""
    mat = "MATERIALIZED " if pg else ""
    hits = f"""
SELECT id AS account_id,
       CASE WHEN number LIKE :prefix ESCAPE '!' THEN {RANK_PREFIX} ELSE {RANK_FRAGMENT} END AS rank
FROM (SELECT id, number FROM found LIMIT :cap) f"""
    sql = f"WITH found AS {mat}(SELECT id, number FROM accounts " + (
        "WHERE number LIKE :contains ESCAPE '!'), " + _rows(hits, pg).lstrip().removeprefix("WITH ")
    )
    escaped = like_escape(digits)
    return Step(sql, {"contains": f"%{escaped}%", "prefix": f"{escaped}%", "cap": cap + 1})


def by_customer(column: str, value: str, rank: int, cap: int, pg: bool) -> Step:
    """Accounts of the customers whose ``column`` equals ``value`` (phone, e-mail)."""
    assert column in ("phone", "email")
    customers = f"SELECT id FROM customers WHERE {column} = :value"
    return Step(_rows(_holders_of(customers, str(rank)), pg), {"value": value, "cap": cap + 1})


def phone_tail(digits: str, cap: int, pg: bool) -> Step:
    """Accounts of the customers whose phone ends with ``digits`` ("918-74-99").

    PostgreSQL reads the reversed phone's prefix from its B-tree (0007_phone_tail)."""
    if pg:
        customers = "SELECT id FROM customers WHERE reverse(phone) LIKE :tail"
        value = digits[::-1] + "%"
    else:
        customers = "SELECT id FROM customers WHERE phone LIKE :tail"
        value = "%" + digits
    return Step(_rows(_holders_of(customers, str(RANK_PHONE)), pg), {"tail": value, "cap": cap + 1})


def passport(customer_id: int, cap: int, pg: bool) -> Step:
    """Accounts of the customer the audited passport search found (identity.find)."""
    customers = "SELECT CAST(:customer_id AS INTEGER) AS id"
    return Step(
        _rows(_holders_of(customers, str(RANK_PASSPORT)), pg),
        {"customer_id": customer_id, "cap": cap + 1},
    )


def _text_search(table: str, where: str, rank: str, params: dict[str, Any], pg: bool) -> Step:
    """Rows of ``table`` whose search_text satisfies ``where``, mapped to their accounts."""
    mat = "MATERIALIZED " if pg else ""
    if table == "premises":
        to_accounts = (
            "SELECT a.id AS account_id, {rank} AS rank FROM {found} "
            "JOIN accounts a ON a.premise_id = t.id"
        )
    else:
        to_accounts = (
            "SELECT ah.account_id, {rank} AS rank FROM {found} "
            f"JOIN account_holders ah ON ah.customer_id = t.id AND {_ACTIVE_HOLDER}"
        )
    hits = to_accounts.format(rank=rank, found="(SELECT id, search_text FROM found LIMIT :cap) t")
    found = f"WITH found AS {mat}(SELECT id, search_text FROM {table} WHERE {where}), "
    return Step(found + _rows(hits, pg).lstrip().removeprefix("WITH "), params)


def prefix_end(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (byte/code point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def phrase(table: str, terms: tuple[str, ...], cap: int, pg: bool, strict_only: bool) -> Step:
    """Terms as consecutive words: address "ленина 12 34" (premises) or a name (customers)."""
    joined = like_escape(" ".join(terms))
    params: dict[str, Any] = {"cap": cap + 1}
    if table == "premises":
        params["contains"] = f"%{joined}%"
        params["loose"] = f"% {joined}%"
        params["strict"] = f"% {joined} %"
        where = "search_text LIKE :contains ESCAPE '!'"
        loose = "(' ' || search_text) LIKE :loose ESCAPE '!'"
        strict = "(' ' || search_text || ' ') LIKE :strict ESCAPE '!'"
    else:
        head, rest = like_escape(terms[0]), [like_escape(t) for t in terms[1:]]
        params["loose"] = head + "".join(f"% {t}" for t in rest) + "%"
        params["strict"] = head + " " + "".join(f"{t}% " for t in rest) + ("" if rest else "%")
        where = "search_text LIKE :loose ESCAPE '!'"
        if pg:
            # A name is typed from its start: range-scan the text_pattern_ops B-tree (0003_lookup)
            # on the surname; "|| ''" keeps the trigram index, slow on common trigrams, out of it.
            params["lo"], params["hi"] = terms[0], prefix_end(terms[0])
            where = (
                "search_text ~>=~ :lo AND search_text ~<~ :hi "
                "AND (search_text || '') LIKE :loose ESCAPE '!'"
            )
        loose = where
        strict = "(search_text || ' ') LIKE :strict ESCAPE '!'"
    if strict_only:
        where = f"{where} AND {strict}"
        rank = str(RANK_STRICT)
    else:
        where = f"{where} AND {loose}" if table == "premises" else where
        rank = f"CASE WHEN {strict.replace('search_text', 't.search_text')} THEN {RANK_STRICT} "
        rank += f"ELSE {RANK_LOOSE} END"
    return _text_search(table, where, rank, params, pg)


def any_order(table: str, terms: tuple[str, ...], cap: int, pg: bool) -> Step:
    """Every term begins a word somewhere in the text, in any order."""
    params: dict[str, Any] = {"cap": cap + 1}
    longest = max(terms, key=len)
    params["contains"] = f"%{like_escape(longest)}%"
    conditions = ["search_text LIKE :contains ESCAPE '!'"]
    for i, term in enumerate(terms):
        params[f"word{i}"] = f"% {like_escape(term)}%"
        conditions.append(f"(' ' || search_text) LIKE :word{i} ESCAPE '!'")
    return _text_search(table, " AND ".join(conditions), str(RANK_ANY_ORDER), params, pg)
