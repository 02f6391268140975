"""Passport, СНИЛС and birth date (152-ФЗ ст.19): set, reveal, find and match one record at a time.

On PostgreSQL the values are sealed in ``customer_identities``, which no staff group can read;
the SECURITY DEFINER functions of migration 0006 are the only way in, and each writes its own
audit event with the connected login as the actor. On SQLite (one desk) there is no boundary:
the same table holds plain JSON and the same keyed hash, and the functions below do in Python
what the database functions do, event for event. One API, one dialect switch per call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from console.models import AccountHolder, ConsoleSecret, Customer, CustomerIdentity, PassportRecord
from console.models.enums import AuditAction
from console.services.core.formatting import mask_passport
from console.services.staff import audit
from console.services.staff.actor import Actor

Outcome = Literal["created", "replaced", "updated", "unchanged", "early", "missing"]
Purpose = Literal["reveal", "print"]
PASSPORT_KEYS = ("series", "number", "issued_by", "issued_on", "division_code")
_DATES = ("issued_on", "birth_date")
_SAME_PERSON_LIMIT = 50
_SIMILAR_FLOOR = 0.5  # difflib's ratio of the whole search text (the service narrows further)


@dataclass(frozen=True)
class Identity:
    """One customer's protected values, as a reveal returns them."""

    series: str | None = None
    number: str | None = None
    issued_by: str | None = None
    issued_on: dt.date | None = None
    division_code: str | None = None
    snils: str | None = None
    birth_date: dt.date | None = None

    @property
    def passport_text(self) -> str:
        """ "71 01 000123"."""
        if not self.series and not self.number:
            return ""
        series = self.series or ""
        return f"{series[:2]} {series[2:]} {self.number or ''}".strip()


def _context(actor: Actor) -> str:
    """Who acts, for the database's audit event: the staff id counts only for the owner."""
    return json.dumps(
        {"staff_id": actor.staff_id, "office_id": actor.office_id,
         "workstation": actor.workstation or None}
    )  # fmt: skip


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _digits(value: str | None) -> str | None:
    if value is None:
        return None
    return "".join(ch for ch in value if ch.isdigit()) or None


def _masked(values: dict[str, Any]) -> str | None:
    return mask_passport(values.get("series"), values.get("number")) or None


# --- set -----------------------------------------------------------------------------------


def set_identity(
    session: Session,
    actor: Actor,
    customer_id: int,
    *,
    series: str | None = None,
    number: str | None = None,
    issued_by: str | None = None,
    issued_on: dt.date | None = None,
    division_code: str | None = None,
    snils: str | None = None,
    birth_date: dt.date | None = None,
) -> Outcome:
    """Set or change what is given (None keeps the stored value); see ``console_pd_set``.

    A passport other than the stored one replaces it and the old one is archived. A passport
    another customer holds raises IntegrityError (the unique hash), as a unique column would.
    """
    given = {
        "series": _digits(series), "number": _digits(number), "issued_by": issued_by,
        "issued_on": issued_on, "division_code": division_code, "snils": snils,
        "birth_date": birth_date,
    }  # fmt: skip
    if _pg(session):
        session.flush()  # the customer row the function locks may still be in the session
        outcome = session.scalar(
            text(
                "SELECT public.console_pd_set(:customer, :series, :number, :issued_by, "
                ":issued_on, :division_code, :snils, :birth_date, CAST(:context AS jsonb))"
            ),
            {"customer": customer_id, **given, "context": _context(actor)},
        )
        session.expire_all()  # the function changed customers.passport_masked
        return outcome  # type: ignore[no-any-return]
    return _set_plain(session, actor, customer_id, given)


def _set_plain(session: Session, actor: Actor, customer_id: int, given: dict[str, Any]) -> Outcome:
    """SQLite: console_pd_set in Python."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return "missing"
    row = session.get(CustomerIdentity, customer_id)
    old: dict[str, Any] | None = json.loads(row.sealed) if row is not None else None
    new = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in given.items()}
    new = {k: v for k, v in new.items() if v is not None}
    if old is not None and not (given["series"] and given["number"]):
        new = {k: v for k, v in new.items() if k not in PASSPORT_KEYS}
    new = {**(old or {}), **new}
    birth, issued = new.get("birth_date"), new.get("issued_on")
    if (given["issued_on"] or given["birth_date"]) and birth and issued:
        born = dt.date.fromisoformat(birth)
        if dt.date.fromisoformat(issued) < _fourteenth(born):
            return "early"
    masked = _masked(new)
    digest = _hash(session, new.get("series"), new.get("number"))
    old_masked: str | None = None
    outcome: Outcome
    if row is None:
        session.add(CustomerIdentity(customer_id=customer_id, passport_hash=digest,
                                     sealed=_plain(new)))  # fmt: skip
        outcome = "created"
    elif old == new:
        return "unchanged"
    else:
        assert old is not None
        outcome = "updated"
        if (old.get("series"), old.get("number")) != (new.get("series"), new.get("number")) and (
            "number" in old
        ):
            outcome = "replaced"
            old_masked = _masked(old)
            passport = {k: v for k, v in old.items() if k in PASSPORT_KEYS}
            session.add(PassportRecord(customer_id=customer_id, passport_masked=old_masked or "",
                                       sealed=_plain(passport),
                                       replaced_by_staff_id=actor.staff_id))  # fmt: skip
        row.passport_hash = digest
        row.sealed = _plain(new)
    customer.passport_masked = masked
    flag_modified(customer, "passport_masked")  # a new version, as the database function does
    session.flush()  # a passport of another customer fails here, before the audit event
    before = None
    if outcome != "created":
        assert old is not None
        before = _strip({"passport": old_masked, "passport_issued_on": old.get("issued_on"),
                         "passport_division_code": old.get("division_code")})  # fmt: skip
    changed = {k: "изменено" for k in ("snils", "birth_date") if (old or {}).get(k) != new.get(k)}
    after = _strip({"passport": masked, "passport_issued_on": new.get("issued_on"),
                    "passport_division_code": new.get("division_code"), **changed})  # fmt: skip
    action = (
        AuditAction.CUSTOMER_REPLACE_PASSPORT
        if outcome == "replaced"
        else AuditAction.CUSTOMER_SET_IDENTITY
    )
    audit.record(session, actor, action, "customer", customer_id, before=before, after=after)
    return outcome


def _fourteenth(born: dt.date) -> dt.date:
    # As PostgreSQL's date + interval '14 years': 29 February falls on 28 February.
    try:
        return born.replace(year=born.year + 14)
    except ValueError:
        return dt.date(born.year + 14, 2, 28)


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _plain(values: dict[str, Any]) -> bytes:
    return json.dumps(values, ensure_ascii=False, sort_keys=True).encode()


def _hash(session: Session, series: str | None, number: str | None) -> str | None:
    if not series or not number:
        return None
    key = session.scalar(select(ConsoleSecret.value).where(ConsoleSecret.name == "pd_hash"))
    assert key is not None, "migration 0006 makes the key"
    return hmac.new(key, f"{series}{number}".encode(), hashlib.sha256).hexdigest()


# --- reading one record --------------------------------------------------------------------


def reveal(
    session: Session,
    actor: Actor,
    customer_id: int,
    *,
    account_id: int | None = None,
    purpose: Purpose = "reveal",
) -> Identity | None:
    """The customer's identity, recorded (``customer.reveal_passport`` or, for the printed
    form, ``customer.print_identity``); None when the customer has none."""
    if _pg(session):
        row = session.execute(
            text(
                "SELECT * FROM public.console_pd_reveal(:customer, :account, :purpose, "
                "CAST(:context AS jsonb))"
            ),
            {"customer": customer_id, "account": account_id, "purpose": purpose,
             "context": _context(actor)},
        ).one_or_none()  # fmt: skip
        return None if row is None else Identity(*row)
    stored = session.get(CustomerIdentity, customer_id)
    if stored is None:
        return None
    if account_id is None:
        account_id = session.scalar(
            select(AccountHolder.account_id)
            .where(AccountHolder.customer_id == customer_id)
            .order_by(AccountHolder.is_primary.desc(), AccountHolder.id)
            .limit(1)
        )
    action = (
        AuditAction.CUSTOMER_PRINT_IDENTITY
        if purpose == "print"
        else AuditAction.CUSTOMER_REVEAL_PASSPORT
    )
    audit.record(session, actor, action, "customer", customer_id, account_id=account_id)
    values = json.loads(stored.sealed)
    for key in _DATES:
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    return Identity(**{k: values.get(k) for k in Identity.__dataclass_fields__})


def find(
    session: Session, actor: Actor, series: str, number: str, *, purpose: str = "lookup"
) -> int | None:
    """The customer holding exactly this passport; recorded with the passport masked."""
    if _pg(session):
        return session.scalar(  # type: ignore[no-any-return]
            text("SELECT public.console_pd_find(:s, :n, :purpose, CAST(:context AS jsonb))"),
            {"s": series, "n": number, "purpose": purpose, "context": _context(actor)},
        )
    s, n = _digits(series) or "", _digits(number) or ""
    found = session.scalar(
        select(CustomerIdentity.customer_id).where(
            CustomerIdentity.passport_hash == _hash(session, s, n)
        )
    )
    audit.record(
        session, actor, AuditAction.CUSTOMER_SEARCH_PASSPORT, "customer", found,
        after={"passport": f"{s[:2]} ** ******", "found": int(found is not None),
               "purpose": purpose},
    )  # fmt: skip
    return found


def matches(session: Session, actor: Actor, customer_id: int, series: str, number: str) -> bool:
    """Is this the customer's passport? Nothing is revealed; a mismatch is recorded."""
    if _pg(session):
        return bool(
            session.scalar(
                text("SELECT public.console_pd_matches(:c, :s, :n, CAST(:context AS jsonb))"),
                {"c": customer_id, "s": series, "n": number, "context": _context(actor)},
            )
        )
    stored = session.scalar(
        select(CustomerIdentity.passport_hash).where(CustomerIdentity.customer_id == customer_id)
    )
    yes = stored is not None and stored == _hash(session, _digits(series), _digits(number))
    if not yes:
        audit.record(
            session, actor, AuditAction.CUSTOMER_PASSPORT_MISMATCH, "customer", customer_id
        )
    return yes


def same_person(session: Session, actor: Actor, prefix: str, birth_date: dt.date) -> list[int]:
    """Customers whose search text starts with ``prefix`` and born that day (ids, ≤ 50)."""
    if _pg(session):
        return list(
            session.scalars(
                text("SELECT public.console_pd_same_person(:p, :b, CAST(:context AS jsonb))"),
                {"p": prefix, "b": birth_date, "context": _context(actor)},
            )
        )
    if len(prefix) < 3:
        return []
    rows = session.execute(
        select(Customer.id, CustomerIdentity.sealed)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .where(Customer.search_text.startswith(prefix, autoescape=True))
        .order_by(Customer.id)
    )
    born = birth_date.isoformat()
    ids = [i for i, sealed in rows if json.loads(sealed).get("birth_date") == born]
    ids = ids[:_SAME_PERSON_LIMIT]
    if ids:
        audit.record(session, actor, AuditAction.CUSTOMER_SEARCH_PERSON, "customer",
                     after={"found": len(ids)})  # fmt: skip
    return ids


def similar_person(session: Session, actor: Actor, name: str, birth_date: dt.date) -> list[int]:
    """Customers born that day whose search text is like ``name`` (ids, ≤ 50, best first):
    the candidates of registration's possible-duplicate warning. pg_trgm on PostgreSQL
    (``console_pd_similar_person``, 0008), difflib here."""
    if _pg(session):
        return list(
            session.scalars(
                text("SELECT public.console_pd_similar_person(:p, :b, CAST(:context AS jsonb))"),
                {"p": name, "b": birth_date, "context": _context(actor)},
            )
        )
    if len(name) < 3:
        return []
    rows = session.execute(
        select(Customer.id, Customer.search_text, CustomerIdentity.sealed)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .order_by(Customer.id)
    )
    born = birth_date.isoformat()
    scored = [
        (-SequenceMatcher(None, name, search or "").ratio(), i)
        for i, search, sealed in rows
        if json.loads(sealed).get("birth_date") == born
    ]
    ids = [i for score, i in sorted(scored) if -score >= _SIMILAR_FLOOR][:_SAME_PERSON_LIMIT]
    if ids:
        audit.record(session, actor, AuditAction.CUSTOMER_SEARCH_PERSON, "customer",
                     after={"found": len(ids), "similar": 1})  # fmt: skip
    return ids


# --- the owner's bulk path -----------------------------------------------------------------

#: Seals a staging table's plain rows (customer_id, series, number, issued_by, issued_on,
#: division_code, snils, birth_date) set based: the owner's demo load only — staff can read
#: neither the keys nor the table. The same format as console_pd_seal/console_pd_hash, but
#: the keys are read once and pgcrypto called directly: through the SECURITY DEFINER
#: functions (not inlinable, a key look-up per call) 126 871 rows took 14.7 s, like this 1.9 s.
#: The IV is drawn in a subquery, so PostgreSQL evaluates it once per row and uses it twice.
SEAL_STAGED_SQL = """
INSERT INTO customer_identities (customer_id, passport_hash, sealed)
SELECT x.customer_id,
       CASE WHEN x.series IS NOT NULL AND x.number IS NOT NULL THEN
           encode(hmac(convert_to(x.series || x.number, 'UTF8'), k.hash_key, 'sha256'), 'hex')
       END,
       x.iv || encrypt_iv(convert_to(jsonb_strip_nulls(jsonb_build_object(
           'series', x.series, 'number', x.number, 'issued_by', x.issued_by,
           'issued_on', x.issued_on, 'division_code', x.division_code, 'snils', x.snils,
           'birth_date', x.birth_date))::text, 'UTF8'), k.seal_key, x.iv, 'aes-cbc/pad:pkcs')
FROM (SELECT s.*, gen_random_bytes(16) AS iv FROM {staging} s) x,
     (SELECT (SELECT value FROM console_secrets WHERE name = 'pd_hash') AS hash_key,
             (SELECT value FROM console_secrets WHERE name = 'pd_seal') AS seal_key) k
"""


def seal_plain(session: Session, customer_id: int, values: dict[str, Any]) -> None:
    """Store an identity without an audit event (the owner's fixtures and imports)."""
    if _pg(session):
        session.execute(
            text(
                "INSERT INTO customer_identities (customer_id, passport_hash, sealed) "
                "VALUES (:c, public.console_pd_hash(:s, :n), public.console_pd_seal("
                "CAST(:v AS jsonb)))"
            ),
            {"c": customer_id, "s": values.get("series"), "n": values.get("number"),
             "v": json.dumps(values, default=str)},
        )  # fmt: skip
    else:
        kept = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
        session.add(CustomerIdentity(
            customer_id=customer_id,
            passport_hash=_hash(session, values.get("series"), values.get("number")),
            sealed=_plain({k: v for k, v in kept.items() if v is not None}),
        ))  # fmt: skip
    session.execute(
        text("UPDATE customers SET passport_masked = :m WHERE id = :c"),
        {"m": _masked(values), "c": customer_id},
    )


def plain_identities(hash_key: bytes, values: list[Any], width: int) -> list[Any]:
    """SQLite's demo load: flat staging values (``width`` per row, as SEAL_STAGED_SQL reads
    them) → flat (customer_id, passport_hash, sealed) values."""
    names = ("series", "number", "issued_by", "issued_on", "division_code", "snils",
             "birth_date")  # fmt: skip
    out: list[Any] = []
    for start in range(0, len(values), width):
        row = values[start : start + width]
        kept = {k: v for k, v in zip(names, row[1:], strict=True) if v is not None}
        series, number = kept.get("series"), kept.get("number")
        digest = (
            hmac.new(hash_key, f"{series}{number}".encode(), hashlib.sha256).hexdigest()
            if series and number
            else None
        )
        out += [row[0], digest, _plain(kept)]
    return out
