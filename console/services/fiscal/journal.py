"""The cheque journal: a fiscal cheque for every payment (or cash refund), exactly once.

How "exactly once" holds across the database and the ККТ:

1. The payment and its cheque row ("pending", with the cheque's full content) are written in
   one transaction (:func:`add_pending`): a payment never exists without its cheque row.
2. Before a cheque goes to the ККТ, ``sent_at`` is committed: "the uuid ``key.attempt`` may be
   at the device". The ККТ's server keeps every uuid and refuses a second request with it.
3. When ``sent_at`` is set (a crash, a timeout, a dropped connection after sending), the next
   try first asks the ККТ for that uuid (``result_of``): registered → its attributes are
   stored; not there or refused → only then a new uuid (``attempt + 1``) is sent. An answer
   that is unknown (no connection) leaves the row pending, untouched, for a later try.
4. Pending rows are retried (:func:`retry_pending`) by the desk at start and in the background.

So a payment gets a cheque once the ККТ is reachable, and never a second one: two tries of
the same attempt send the same uuid, and the attempt moves on only after the ККТ said no.
The sending state's writes are guarded in PostgreSQL (migration 0009).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from console.models import FiscalCheque
from console.models.enums import AuditAction, FiscalChequeStatus
from console.services.core.database import Database
from console.services.core.errors import ConsoleError, DatabaseUnavailableError
from console.services.core.moments import stored_utc
from console.services.fiscal.device import (
    AgentInfo,
    Cashier,
    CashRegister,
    Cheque,
    ChequeKind,
    ChequeLine,
    FiscalAttributes,
    KktError,
    KktFault,
    PaymentMethodSign,
    Tender,
    Vat,
)
from console.services.staff import audit
from console.services.staff.actor import Actor

__all__ = [
    "ChequeState",
    "RetrySummary",
    "add_pending",
    "cheque_from_content",
    "cheque_of_payment",
    "cheque_of_refund",
    "content_of",
    "pending_count",
    "register_refund_cheque",
    "retry_pending",
    "send",
]

#: One send of a cheque at a time in this process (the background retry and the payment
#: dialog may reach for the same row); across desks the ККТ's uuid keeps it single.
_SENDING: dict[int, threading.Lock] = {}
_SENDING_GUARD = threading.Lock()


@contextmanager
def _one_sender(cheque_id: int) -> Iterator[None]:
    with _SENDING_GUARD:
        lock = _SENDING.setdefault(cheque_id, threading.Lock())
    with lock:
        yield


@dataclass(frozen=True)
class ChequeState:
    """What the clerk and the receipt need to know of a cheque."""

    cheque_id: int
    status: FiscalChequeStatus
    amount: Decimal
    fiscal: FiscalAttributes | None = None
    error: str = ""  # the last device error, in Russian with what to do
    error_code: str = ""
    attempts: int = 0

    @property
    def registered(self) -> bool:
        return self.status is FiscalChequeStatus.REGISTERED


@dataclass(frozen=True)
class RetrySummary:
    tried: int = 0
    registered: int = 0
    still_pending: int = 0
    last_error: str = ""


# --- the cheque's content, stored as built ------------------------------------------------
def content_of(cheque: Cheque) -> dict[str, Any]:
    """The cheque as JSON (without the customer's contact, kept in its own column)."""
    return {
        "kind": cheque.kind.value,
        "tender": cheque.tender.value,
        "cashier": {"name": cheque.cashier.name, "inn": cheque.cashier.inn},
        "paid": None if cheque.paid is None else str(cheque.paid),
        "lines": [
            {
                "name": line.name,
                "amount": str(line.amount),
                "vat": line.vat.value,
                "method": line.method.value,
                "subject": line.subject,
                "agent": None
                if line.agent is None
                else {
                    "supplier_name": line.agent.supplier_name,
                    "supplier_inn": line.agent.supplier_inn,
                    "supplier_phones": list(line.agent.supplier_phones),
                    "agent_type": line.agent.agent_type,
                },
            }  # fmt: skip
            for line in cheque.lines
        ],
    }


def cheque_from_content(key: str, content: dict[str, Any], contact: str | None) -> Cheque:
    lines = []
    for raw in content["lines"]:
        agent = raw.get("agent")
        lines.append(
            ChequeLine(
                name=raw["name"],
                amount=Decimal(raw["amount"]),
                vat=Vat(raw["vat"]),
                method=PaymentMethodSign(raw["method"]),
                subject=raw["subject"],
                agent=None
                if agent is None
                else AgentInfo(
                    supplier_name=agent["supplier_name"],
                    supplier_inn=agent["supplier_inn"],
                    supplier_phones=tuple(agent["supplier_phones"]),
                    agent_type=agent["agent_type"],
                ),
            )  # fmt: skip
        )
    paid = content.get("paid")
    return Cheque(
        key=key,
        kind=ChequeKind(content["kind"]),
        lines=tuple(lines),
        tender=Tender(content["tender"]),
        cashier=Cashier(**content["cashier"]),
        customer_contact=contact or "",
        paid=None if paid is None else Decimal(paid),
    )


def add_pending(
    session: Session,
    actor: Actor,
    cheque: Cheque,
    *,
    payment_id: int | None = None,
    refund_id: int | None = None,
) -> FiscalCheque:
    """The cheque row, "pending", in the caller's transaction (the payment's or refund's own).

    ``cheque.key`` is the idempotency key (derived from the payment's); the ККТ is sent
    ``key.attempt``."""
    if (payment_id is None) == (refund_id is None):
        raise ValueError("a cheque belongs to exactly one payment or refund")
    row = FiscalCheque(
        payment_id=payment_id, refund_id=refund_id, kind=cheque.kind.value,
        idempotency_key=cheque.key, amount=cheque.total, content=content_of(cheque),
        customer_contact=cheque.customer_contact or None, status=FiscalChequeStatus.PENDING,
        attempt=1, attempts=0, staff_id=actor.staff_id, office_id=actor.office_id,
        workstation=(actor.workstation or "")[:64],
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _state(row: FiscalCheque) -> ChequeState:
    fiscal = None
    if row.status is FiscalChequeStatus.REGISTERED and row.registered_at is not None:
        fiscal = FiscalAttributes(
            fn_number=row.fn_number or "", fd_number=row.fd_number or 0,
            fiscal_sign=row.fiscal_sign or "", shift_number=row.shift_number or 0,
            number_in_shift=row.number_in_shift or 0, registered_at=stored_utc(row.registered_at),
            registration_number=row.registration_number or "", ofd_site=row.ofd_site or "",
        )  # fmt: skip
    return ChequeState(
        cheque_id=row.id, status=row.status, amount=row.amount, fiscal=fiscal,
        error=row.last_error or "", error_code=row.last_error_code or "", attempts=row.attempts,
    )  # fmt: skip


def cheque_of_payment(db: Database, payment_id: int) -> ChequeState | None:
    with db.read(primary=True) as session:
        row = session.scalar(select(FiscalCheque).where(FiscalCheque.payment_id == payment_id))
        return None if row is None else _state(row)


def cheque_of_refund(db: Database, refund_id: int) -> ChequeState | None:
    with db.read(primary=True) as session:
        row = session.scalar(select(FiscalCheque).where(FiscalCheque.refund_id == refund_id))
        return None if row is None else _state(row)


def pending_count(
    db: Database, *, workstation: str | None = None, office_id: int | None = None
) -> int:
    """Cheques not registered yet (pending or refused), of one workstation, one office or all."""
    with db.read(primary=True) as session:
        query = select(func.count(FiscalCheque.id)).where(
            FiscalCheque.status != FiscalChequeStatus.REGISTERED
        )
        if workstation is not None:
            query = query.where(FiscalCheque.workstation == workstation[:64])
        if office_id is not None:
            query = query.where(FiscalCheque.office_id == office_id)
        return int(session.scalar(query) or 0)


# --- sending ------------------------------------------------------------------------------
_PLAIN_KEY = re.compile(r"[A-Za-z0-9._:-]{1,120}")
_KEY_SPACE = uuid.UUID("5d3b0c1e-6a39-4b7e-9a57-0c6f1e0b8f17")


def device_key(base: str, attempt: int) -> str:
    """The uuid one attempt of a cheque is sent under: ``base.attempt`` where that is plain
    ASCII (a URL path segment as it is), else a name-based UUID of it — the same every time,
    so asking the ККТ about an earlier send finds it (a refund's key carries its Cyrillic
    number)."""
    plain = f"{base}.{attempt}"
    return plain if _PLAIN_KEY.fullmatch(plain) else str(uuid.uuid5(_KEY_SPACE, plain))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _registered(
    db: Database, actor: Actor, row_id: int, attempt: int, fiscal: FiscalAttributes
) -> ChequeState:
    with db.transaction() as session:
        row = session.get(FiscalCheque, row_id, with_for_update=True)
        assert row is not None
        if row.status is not FiscalChequeStatus.REGISTERED:
            row.status = FiscalChequeStatus.REGISTERED
            row.fn_number = fiscal.fn_number[:16]
            row.fd_number = fiscal.fd_number
            row.fiscal_sign = fiscal.fiscal_sign[:16]
            row.shift_number = fiscal.shift_number
            row.number_in_shift = fiscal.number_in_shift
            row.registered_at = fiscal.registered_at
            row.registration_number = fiscal.registration_number[:20]
            row.ofd_site = fiscal.ofd_site[:120]
            row.customer_contact = None  # sent to the ОФД with the cheque: not kept
            row.last_error = None
            row.last_error_code = None
            row.sent_at = None
            row.updated_at = _now()
            session.flush()
            audit.record(
                session, actor, AuditAction.FISCAL_CHEQUE_REGISTERED, "fiscal_cheque", row.id,
                after={"payment_id": row.payment_id, "refund_id": row.refund_id,
                       "attempt": attempt, "fd": fiscal.fd_number, "fn": fiscal.fn_number,
                       "shift": fiscal.shift_number},
            )  # fmt: skip
        return _state(row)


def _failed_attempt(
    db: Database, actor: Actor, row_id: int, err: KktError, *, definitive: bool
) -> ChequeState:
    """Record a device error. ``definitive``: the ККТ said the uuid was not registered, so the
    next try may use a new one; otherwise the uuid stays and is asked for first."""
    with db.transaction() as session:
        row = session.get(FiscalCheque, row_id, with_for_update=True)
        assert row is not None
        if row.status is FiscalChequeStatus.REGISTERED:
            return _state(row)
        row.last_error = str(err)[:300]
        row.last_error_code = str(err.code if err.code is not None else err.fault.value)[:24]
        if definitive:
            row.attempt += 1
            row.sent_at = None
        if err.fault is KktFault.REJECTED:
            row.status = FiscalChequeStatus.FAILED
        row.updated_at = _now()
        session.flush()
        audit.record(
            session, actor, AuditAction.FISCAL_CHEQUE_ERROR, "fiscal_cheque", row.id,
            after={"payment_id": row.payment_id, "refund_id": row.refund_id,
                   "fault": err.fault.value, "code": row.last_error_code},
        )  # fmt: skip
        return _state(row)


def send(db: Database, kkt: CashRegister, actor: Actor, cheque_id: int) -> ChequeState:
    """Register one cheque with the ККТ, asking first if an earlier send may have reached it.

    Never raises for device trouble: the returned state carries the Russian error (and the
    cheque stays pending). With no ККТ (``kkt.fiscal`` False) nothing is sent."""
    with _one_sender(cheque_id):
        with db.read(primary=True) as session:
            row = session.get(FiscalCheque, cheque_id)
            if row is None:
                raise LookupError(cheque_id)
            if row.status is FiscalChequeStatus.REGISTERED or not kkt.fiscal:
                return _state(row)
            base, attempt, in_flight = row.idempotency_key, row.attempt, row.sent_at is not None
            cheque = cheque_from_content(base, row.content, row.customer_contact)
        if in_flight:
            try:
                earlier = kkt.result_of(device_key(base, attempt))
            except KktError as err:
                return _failed_attempt(db, actor, cheque_id, err, definitive=False)
            if earlier is not None:
                return _registered(db, actor, cheque_id, attempt, earlier)
            attempt = _next_attempt(db, cheque_id, attempt)
        # Committed before sending: after a crash from here on, the next try asks first.
        with db.transaction() as session:
            session.execute(
                update(FiscalCheque)
                .where(FiscalCheque.id == cheque_id, FiscalCheque.attempt == attempt)
                .values(sent_at=_now(), attempts=FiscalCheque.attempts + 1, updated_at=_now())
            )
        sent_key = device_key(base, attempt)
        try:
            fiscal = kkt.register(
                Cheque(
                    key=sent_key,
                    kind=cheque.kind,
                    lines=cheque.lines,
                    tender=cheque.tender,
                    cashier=cheque.cashier,
                    customer_contact=cheque.customer_contact,
                    paid=cheque.paid,
                )
            )
        except KktError as err:
            return _failed_attempt(db, actor, cheque_id, err, definitive=not err.outcome_unknown)
        return _registered(db, actor, cheque_id, attempt, fiscal)


def _next_attempt(db: Database, cheque_id: int, attempt: int) -> int:
    """The ККТ said ``attempt``'s uuid is not registered: move on (once, whoever asks)."""
    with db.transaction() as session:
        session.execute(
            update(FiscalCheque)
            .where(FiscalCheque.id == cheque_id, FiscalCheque.attempt == attempt)
            .values(attempt=attempt + 1, sent_at=None, updated_at=_now())
        )
        current = session.scalar(select(FiscalCheque.attempt).where(FiscalCheque.id == cheque_id))
        return int(current or attempt + 1)


def register_refund_cheque(
    db: Database, kkt: CashRegister, actor: Actor, refund_id: int
) -> ChequeState | None:
    """Send a refund's «возврат прихода» cheque (written pending with :func:`add_pending`
    ``(session, actor, Cheque(kind=ChequeKind.SELL_RETURN, …), refund_id=…)`` in the refund's
    own transaction); None when the refund has no cheque row (no ККТ at that workstation)."""
    state = cheque_of_refund(db, refund_id)
    return None if state is None else send(db, kkt, actor, state.cheque_id)


def retry_pending(
    db: Database,
    kkt: CashRegister,
    actor: Actor,
    *,
    workstation: str | None = None,
    include_failed: bool = False,
    limit: int = 100,
) -> RetrySummary:
    """Send every pending cheque (of this workstation, oldest first); stop at the first lost
    connection — the rest wait for the next round."""
    if not kkt.fiscal:
        return RetrySummary()
    statuses = [FiscalChequeStatus.PENDING]
    if include_failed:
        statuses.append(FiscalChequeStatus.FAILED)
    with db.read(primary=True) as session:
        # Payments only: a refund's cheque is sent when its cash is handed over (mark_paid),
        # never by a background round while nobody is at the till.
        query = select(FiscalCheque.id).where(
            FiscalCheque.status.in_(statuses), FiscalCheque.refund_id.is_(None)
        )
        if workstation is not None:
            query = query.where(FiscalCheque.workstation == workstation[:64])
        ids = list(session.scalars(query.order_by(FiscalCheque.id).limit(limit)))
    tried = registered = 0
    last_error = ""
    for cheque_id in ids:
        tried += 1
        try:
            state = send(db, kkt, actor, cheque_id)
        except DatabaseUnavailableError:
            raise
        except ConsoleError as err:  # e.g. another office's cheque at this workstation
            last_error = str(err)
            continue
        if state.registered:
            registered += 1
            continue
        last_error = state.error
        if state.error_code in (KktFault.UNREACHABLE.value, KktFault.TIMEOUT.value):
            break
    return RetrySummary(
        tried=tried,
        registered=registered,
        still_pending=pending_count(db, workstation=workstation),
        last_error=last_error,
    )
