"""Who is bound to an account: the one home of the account-holder query.

Everyone bound now (``unbound_at`` is empty) — the holder, owners, residents — comes from
:func:`bound_people`, the holder first, then in the order they were bound. «Владелец счёта» is
the bound person marked primary and nobody else: when the holder was unbound and residents
stay, the account has no holder until the next binding makes one (as the card shows it), so a
receipt, a bill or an appeal form never names a resident as the holder.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from console.models import AccountHolder, Customer


def _bound(account_ids: Iterable[int]) -> Select[AccountHolder, Customer]:
    return (
        select(AccountHolder, Customer)
        .join(Customer, Customer.id == AccountHolder.customer_id)
        .where(AccountHolder.account_id.in_(list(account_ids)), AccountHolder.unbound_at.is_(None))
        .order_by(AccountHolder.is_primary.desc(), AccountHolder.bound_at, AccountHolder.id)
    )


def bound_people(session: Session, account_id: int) -> list[tuple[AccountHolder, Customer]]:
    """Everyone bound to the account now: the holder first, then in the order of binding."""
    return [(h, c) for h, c in session.execute(_bound([account_id]))]


def holders_of(session: Session, account_ids: Iterable[int]) -> dict[int, Customer]:
    """The holder of each account that has one (a batch of bills asks for many at once)."""
    holders: dict[int, Customer] = {}
    for holder, customer in session.execute(_bound(account_ids).where(AccountHolder.is_primary)):
        holders.setdefault(holder.account_id, customer)
    return holders


def holder_of(session: Session, account_id: int) -> Customer | None:
    """The account's holder (the bound primary person), or None when it has none now."""
    return holders_of(session, [account_id]).get(account_id)


def is_bound(session: Session, account_id: int, customer_id: int) -> bool:
    """Whether the customer is bound to the account now (as holder, owner or resident)."""
    return (
        session.scalar(
            select(AccountHolder.id)
            .where(
                AccountHolder.account_id == account_id,
                AccountHolder.customer_id == customer_id,
                AccountHolder.unbound_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )
