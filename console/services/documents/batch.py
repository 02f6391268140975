"""Batch printing: payment documents of a street, a house or a list of accounts in one PDF."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from console.models import Account, AccountStatement, IssuedDocument, IssuedDocumentPage, Premise
from console.models.enums import AuditAction, DocumentKind
from console.services.core.database import Database
from console.services.core.errors import PermissionDeniedError, ValidationError
from console.services.core.normalize import tokens
from console.services.documents import data, payment_document, stored
from console.services.staff import audit
from console.services.staff.actor import Actor

#: Documents gathered per round trip while the batch renders.
GATHER_CHUNK = 200
#: From this many new documents a batch starts a process for the QR codes (~0.2 s to start).
POOL_FROM = 200


@dataclass(frozen=True)
class BatchSelection:
    """Which accounts: a street (optionally one house), a list of numbers, or the first N."""

    street: str | None = None
    house: str | None = None
    account_numbers: tuple[str, ...] = ()
    limit: int | None = None

    def describe(self) -> str:
        if self.account_numbers:
            return f"список из {len(self.account_numbers)} лицевых счетов"
        if self.street:
            return f"ул. {self.street}" + (f", д. {self.house}" if self.house else "")
        return f"первые {self.limit} лицевых счетов" if self.limit else "все лицевые счета"


@dataclass(frozen=True)
class BatchResult:
    """One PDF with a page per account, or nothing when cancelled."""

    pdf: bytes | None
    pages: int
    total: int
    cancelled: bool
    period: dt.date
    rendered: int = 0  # documents rendered now; the others came from stored copies


def select_accounts(db: Database, period: dt.date, selection: BatchSelection) -> tuple[int, ...]:
    """Ids of the accounts to print, in delivery order (by address), that were billed that month.

    A list of numbers keeps its order; unknown numbers are refused with the first few named.
    """
    period = period.replace(day=1)
    billed = select(AccountStatement.account_id).where(AccountStatement.period == period)
    with db.read() as session:
        if selection.account_numbers:
            wanted = [n.strip() for n in selection.account_numbers if n.strip()]
            found: dict[str, int] = {}
            for start in range(0, len(wanted), data.CHUNK):
                part = wanted[start : start + data.CHUNK]
                for number, account_id in session.execute(
                    select(Account.number, Account.id).where(
                        Account.number.in_(part), Account.id.in_(billed)
                    )
                ):
                    found.setdefault(number, account_id)
            missing = [n for n in wanted if n not in found]
            if missing:
                shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                raise ValidationError(
                    f"Не найдены или не участвовали в расчёте за месяц: {shown} "
                    f"(всего {len(missing)}). Исправьте список.",
                    "accounts",
                )
            return tuple(dict.fromkeys(found[n] for n in wanted))
        query = select(Account.id, Premise).join(Premise).where(Account.id.in_(billed))
        if selection.street:
            street = tokens(selection.street)
            if not street:
                raise ValidationError("Укажите улицу.", "street")
            for token in street:
                query = query.where(Premise.search_text.contains(token))
            house = tokens(selection.house) if selection.house else None
            rows = [
                (account_id, premise)
                for account_id, premise in session.execute(query)
                if tokens(premise.street) == street
                and (house is None or tokens(premise.house) == house)
            ]
        else:
            rows = list(session.execute(query.order_by(Account.number)))
        rows.sort(key=lambda row: _address_key(row[1]))
        ids = tuple(account_id for account_id, _ in rows)
    return ids[: selection.limit] if selection.limit else ids


def _natural(text: str | None) -> tuple[int, str]:
    match = re.match(r"\d+", text or "")
    return (int(match.group()) if match else 0, text or "")


def _address_key(p: Premise) -> tuple[object, ...]:
    return (p.settlement, p.street or "", _natural(p.house), p.building or "", _natural(p.flat))


def render_batch(
    db: Database,
    actor: Actor,
    period: dt.date,
    account_ids: Sequence[int],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_database: Callable[[Callable[[], Any]], Any] | None = None,
) -> BatchResult:
    """Render the documents of ``account_ids`` for a closed month into one PDF (supervisor).

    ``progress(done, total)`` is called after each page; when ``cancelled()`` turns true the
    batch stops and no PDF is returned. ``on_database(step)`` runs each database step where the
    caller keeps its database work (the console's one database thread) while this thread
    renders; by default the steps run here.
    """
    in_place: Callable[[Callable[[], Any]], Any] = lambda step: step()  # noqa: E731
    run_db = on_database or in_place
    if not actor.is_supervisor:
        raise PermissionDeniedError("Пакетная печать доступна руководителю офиса.")
    period = period.replace(day=1)
    total = len(account_ids)
    order = list(account_ids)
    stopped = False

    def is_cancelled() -> bool:
        nonlocal stopped
        stopped = stopped or (cancelled is not None and cancelled())
        return stopped

    def gather(chunk: Sequence[int]) -> list[data.PaymentDocumentData]:
        with db.read() as session:
            return data.gather_many(session, chunk, period)

    # What was printed before is reused, never re-rendered: only the rest is drawn now.
    known: dict[int, stored.StoredPage] = run_db(
        functools.partial(_stored_pages, db, order, period)
    )
    todo = [a for a in order if a not in known]

    def documents() -> Iterator[data.PaymentDocumentData]:
        for start in range(0, len(todo), GATHER_CHUNK):
            if is_cancelled():
                return
            chunk = todo[start : start + GATHER_CHUNK]
            found: list[data.PaymentDocumentData] = run_db(functools.partial(gather, chunk))
            yield from found

    if not todo:
        same = run_db(functools.partial(_same_batch, db, order, known))
        if same is not None:  # the very batch printed before: its stored bytes as they are
            run_db(functools.partial(_record, db, actor, period, total, 0, same[0]))
            if progress is not None:
                progress(total, total)
            return BatchResult(same[1], total, total, False, period, 0)
    new_pdf = b""
    new_id = None
    if todo:
        on_page = (lambda done: progress(done, total)) if progress is not None else None
        # A big batch draws its QR codes in a second process (os.cpu_count() > 1).
        workers = 1 if len(todo) >= POOL_FROM and (os.cpu_count() or 1) > 1 else 0
        new_pdf = payment_document.render(
            documents(), on_page=on_page, cancelled=is_cancelled, qr_workers=workers
        )
        if stopped:
            return BatchResult(None, 0, total, True, period)
        new_id = run_db(functools.partial(_store, db, actor, period, todo, new_pdf))
    if not known:
        pdf = new_pdf  # all new: the stored batch is the output
    else:
        contents: dict[int, bytes] = run_db(
            functools.partial(_contents, db, {p.issued_document_id for p in known.values()})
        )
        position = {a: i for i, a in enumerate(todo)}
        pdf = stored.join(
            [
                (contents[known[a].issued_document_id], known[a].page)
                if a in known
                else (new_pdf, position[a])
                for a in order
            ]
        )
    run_db(functools.partial(_record, db, actor, period, total, len(todo), new_id))
    if progress is not None and known:  # the stored pages are done too
        progress(total, total)
    return BatchResult(pdf, total, total, False, period, len(todo))


def _stored_pages(
    db: Database, account_ids: list[int], period: dt.date
) -> dict[int, stored.StoredPage]:
    with db.read() as session:
        return stored.stored_pages(session, account_ids, period)


def _same_batch(
    db: Database, order: list[int], known: dict[int, stored.StoredPage]
) -> tuple[int, bytes] | None:
    """The stored batch holding exactly these accounts in this order, if there is one."""
    if not order:
        return None
    first = known[order[0]].issued_document_id
    if any(known[a] != stored.StoredPage(first, i) for i, a in enumerate(order)):
        return None
    with db.read() as session:
        row = session.get(IssuedDocument, first)
        assert row is not None
        pages = 1 if row.account_id is not None else len(stored.batch_pages(session, first))
        if pages != len(order):
            return None
        return row.id, stored.checked(row)


def _contents(db: Database, ids: set[int]) -> dict[int, bytes]:
    with db.read() as session:
        return stored.load_contents(session, ids)


def _store(db: Database, actor: Actor, period: dt.date, account_ids: list[int], pdf: bytes) -> int:
    """Keep the rendered batch and which page is whose, so no reprint renders it again."""
    with db.transaction() as session:
        row = IssuedDocument(
            kind=DocumentKind.PAYMENT_DOCUMENT, account_id=None, period=period,
            sha256=hashlib.sha256(pdf).hexdigest(), content=pdf,
            issued_at=dt.datetime.now(dt.UTC), staff_id=actor.staff_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.add_all(
            IssuedDocumentPage(
                issued_document_id=row.id, page=i, account_id=account_id, period=period
            )
            for i, account_id in enumerate(account_ids)
        )
        return row.id


def _record(
    db: Database,
    actor: Actor,
    period: dt.date,
    pages: int,
    rendered: int,
    batch_id: int | None,
) -> None:
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.DOCUMENT_BATCH_PRINT, "payment_document", batch_id,
            after={"period": period, "pages": pages, "rendered": rendered},
        )  # fmt: skip
