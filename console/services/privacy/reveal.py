"""Personal data shown only on purpose (152-ФЗ): revealing a passport is recorded in the audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.models import Customer
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.privacy import identity
from console.services.staff.actor import Actor


@dataclass(frozen=True)
class PassportDetails:
    """The passport as the clerk sees it after pressing «Показать»."""

    customer_id: int
    series: str | None
    number: str | None
    issued_by: str | None
    issued_on: dt.date | None
    division_code: str | None
    birth_date: dt.date | None

    @property
    def text(self) -> str:
        """ "71 01 000123"."""
        return identity.Identity(series=self.series, number=self.number).passport_text


def reveal_passport(
    db: Database, actor: Actor, customer_id: int, *, account_id: int | None = None
) -> PassportDetails:
    """The unmasked passport of a customer; who saw it, when and where is recorded
    (by the database's own function on PostgreSQL: see services/identity.py)."""
    with db.transaction() as session:
        if session.get(Customer, customer_id) is None:
            raise NotFoundError("Клиент не найден: возможно, карточку нужно обновить.")
        found = identity.reveal(session, actor, customer_id, account_id=account_id)
        found = found or identity.Identity()
        return PassportDetails(
            customer_id=customer_id,
            series=found.series,
            number=found.number,
            issued_by=found.issued_by,
            issued_on=found.issued_on,
            division_code=found.division_code,
            birth_date=found.birth_date,
        )
