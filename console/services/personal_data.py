"""Personal data shown only on purpose (152-ФЗ): revealing a passport is recorded in the audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from console.models import AccountHolder, Customer
from console.services import audit
from console.services.actor import Actor
from console.services.database import Database
from console.services.errors import NotFoundError


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
        if not self.series and not self.number:
            return ""
        series = self.series or ""
        return f"{series[:2]} {series[2:]} {self.number or ''}".strip()


def reveal_passport(
    db: Database, actor: Actor, customer_id: int, *, account_id: int | None = None
) -> PassportDetails:
    """The unmasked passport of a customer; who saw it, when and where is recorded."""
    with db.transaction() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFoundError("Клиент не найден: возможно, карточку нужно обновить.")
        if account_id is None:
            account_id = session.scalar(
                select(AccountHolder.account_id)
                .where(AccountHolder.customer_id == customer_id)
                .order_by(AccountHolder.is_primary.desc(), AccountHolder.id)
                .limit(1)
            )
        audit.record(
            session, actor, "customer.reveal_passport", "customer", customer_id,
            account_id=account_id,
        )  # fmt: skip
        return PassportDetails(
            customer_id=customer.id,
            series=customer.passport_series,
            number=customer.passport_number,
            issued_by=customer.passport_issued_by,
            issued_on=customer.passport_issued_on,
            division_code=customer.passport_division_code,
            birth_date=customer.birth_date,
        )
