"""Issuing a payment document: render once, keep the bytes, give the same bytes on a reprint."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Account, IssuedDocument
from console.models.enums import AuditAction, DocumentKind
from console.services.core.database import Database
from console.services.core.errors import ConsoleError, NotFoundError
from console.services.documents import data, payment_document, stored
from console.services.staff import audit
from console.services.staff.actor import Actor


@dataclass(frozen=True)
class IssuedPaymentDocument:
    """A payment document as printed: the PDF bytes and their checksum."""

    id: int
    account_id: int
    account_number: str
    period: dt.date
    sha256: str
    content: bytes
    issued_at: dt.datetime
    reprint: bool  # True: the stored original was returned

    @property
    def file_name(self) -> str:
        return f"Платёжный документ {self.account_number} {self.period:%Y-%m}.pdf"


def issue_payment_document(
    db: Database, actor: Actor, account_id: int, period: dt.date | None = None
) -> IssuedPaymentDocument:
    """The account's document for a closed month (default: the last closed one).

    The first request renders it from the closed month's data and stores the bytes; every later
    request returns those stored bytes, so a reprint is identical to the original.
    """
    period = (period or data.last_closed_period(db)).replace(day=1)
    with db.transaction() as session:
        account = _account(session, account_id)
        previous = _stored(session, account_id, period)
        if previous is not None:
            return _reprint(session, actor, previous, account, period)
        document = data.gather_many(session, [account_id], period)[0]
    # Render outside the transaction: reportlab takes tens of milliseconds and holds no rows.
    content = payment_document.render([document])
    with db.transaction() as session:
        account = _account(session, account_id)
        previous = _stored(session, account_id, period)
        if previous is not None:  # another desk issued it meanwhile: theirs is the original
            return _reprint(session, actor, previous, account, period)
        row = IssuedDocument(
            kind=DocumentKind.PAYMENT_DOCUMENT, account_id=account_id, period=period,
            sha256=hashlib.sha256(content).hexdigest(), content=content,
            issued_at=dt.datetime.now(dt.UTC), staff_id=actor.staff_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(
            session, actor, AuditAction.DOCUMENT_ISSUE, "issued_document", row.id,
            account_id=account_id,
            after={"period": period, "sha256": row.sha256, "amount_due": document.amount_due},
        )  # fmt: skip
        return _result(row, account.number, reprint=False)


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"Лицевой счёт (id {account_id}) не найден.")
    return account


def _stored(session: Session, account_id: int, period: dt.date) -> IssuedDocument | None:
    where = stored.stored_pages(session, [account_id], period).get(account_id)
    return session.get(IssuedDocument, where.issued_document_id) if where else None


def _reprint(
    session: Session, actor: Actor, row: IssuedDocument, account: Account, period: dt.date
) -> IssuedPaymentDocument:
    """The stored original (checked against its checksum), or its page when it was printed in
    a batch; the reprint is audited."""
    content = stored.checked(row)
    if row.account_id is None:  # a batch: this account's page of it
        accounts = stored.batch_pages(session, row.id)
        content = stored.page_of(content, accounts.index(account.id), len(accounts))
    sha256 = hashlib.sha256(content).hexdigest()
    audit.record(
        session, actor, AuditAction.DOCUMENT_REPRINT, "issued_document", row.id,
        account_id=account.id, after={"period": period, "sha256": sha256},
    )  # fmt: skip
    return IssuedPaymentDocument(
        id=row.id, account_id=account.id, account_number=account.number, period=period,
        sha256=sha256, content=content, issued_at=row.issued_at, reprint=True,
    )  # fmt: skip


def _result(row: IssuedDocument, number: str, *, reprint: bool) -> IssuedPaymentDocument:
    assert row.account_id is not None and row.period is not None
    return IssuedPaymentDocument(
        id=row.id, account_id=row.account_id, account_number=number, period=row.period,
        sha256=row.sha256, content=row.content, issued_at=row.issued_at, reprint=reprint,
    )  # fmt: skip


def find_account(db: Database, number: str) -> int:
    """The id of the account with this number (digits only); ambiguous numbers are refused."""
    cleaned = "".join(ch for ch in number if ch.isdigit())
    if not cleaned:
        raise NotFoundError(f"«{number}» не похоже на номер лицевого счёта: нужны цифры.")
    with db.read() as session:
        ids = list(session.scalars(select(Account.id).where(Account.number == cleaned)))
    if not ids:
        raise NotFoundError(f"Лицевой счёт {cleaned} не найден.")
    if len(ids) > 1:
        raise ConsoleError(
            f"Номер {cleaned} есть у нескольких поставщиков: уточните лицевой счёт в карточке."
        )
    return ids[0]
