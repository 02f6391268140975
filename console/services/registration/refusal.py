"""The paper-refusal application (seed 000): «Заявление об отказе от получения платёжного
документа на бумажном носителе», numbered and recorded when an account switches to e-mail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from console.models import Account, PaperRefusal
from console.models.enums import AuditAction
from console.services.core.sequences import next_value
from console.services.staff import audit
from console.services.staff.actor import Actor

SEQUENCE_SCOPE = "paper_refusal"


def refusal_number(year: int, value: int) -> str:
    """«ЭД-2026-000017»: ЭД for электронная доставка, gap-free within the year."""
    return f"ЭД-{year}-{value:06d}"


def record_paper_refusal(
    session: Session, actor: Actor, account: Account, customer_id: int
) -> PaperRefusal:
    """Number and store the application, in the transaction that switched the delivery (the
    database accepts it only while the account's delivery is e-mail to that address)."""
    assert account.delivery_email is not None
    today = dt.date.today()
    row = PaperRefusal(
        number=refusal_number(today.year, next_value(session, SEQUENCE_SCOPE, today.year)),
        account_id=account.id, customer_id=customer_id, email=account.delivery_email,
        signed_on=today, created_at=dt.datetime.now(dt.UTC), staff_id=actor.staff_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor, AuditAction.ACCOUNT_PAPER_REFUSAL, "paper_refusal", row.id,
        account_id=account.id, after={"number": row.number},
    )  # fmt: skip
    return row
