"""The account with its premise and supplier: the row the card's parts start from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Account, Premise, Supplier
from console.services.core.errors import NotFoundError


def account_place(session: Session, account_id: int) -> tuple[Account, Premise, Supplier]:
    """The account, its premise and its supplier; NotFoundError if there is no such account."""
    row = session.execute(
        select(Account, Premise, Supplier)
        .join(Premise, Premise.id == Account.premise_id)
        .join(Supplier, Supplier.id == Account.supplier_id)
        .where(Account.id == account_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("Лицевой счёт не найден: возможно, он удалён.")
    account, premise, supplier = row
    return account, premise, supplier
