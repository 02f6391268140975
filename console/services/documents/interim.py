"""The interim payment document for the month in progress, right after readings (seed 002's
«Сформировать квитанцию»): the readings of the open month priced exactly as the reading entry
showed them, clearly marked «ПРЕДВАРИТЕЛЬНЫЙ». It is not the month's bill: it is never stored
as the month's copy (the month's document is issued only once the month is closed), so nothing
has to be superseded at closing; printing it is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Account, Premise
from console.models.enums import AuditAction, VolumeMethod
from console.services.account.holders import holders_of
from console.services.core.address_format import premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError
from console.services.documents import data, payment_document
from console.services.documents.data import (
    ZERO,
    Balance,
    MeterLine,
    PaymentDocumentData,
    RecipientSection,
    References,
    ServiceLine,
)
from console.services.readings.pricing import interim_period, ledger_balance, month_readings
from console.services.staff import audit
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label


@dataclass(frozen=True)
class InterimDocument:
    """The rendered interim document and what it says is due."""

    account_number: str
    period: dt.date
    amount_due: Decimal
    content: bytes

    @property
    def file_name(self) -> str:
        return f"Предварительный расчёт {self.account_number} {self.period:%Y-%m}.pdf"


def interim_available(db: Database, account_id: int) -> dt.date | None:
    """The open month an interim document can be printed for (the month picker's first row)."""
    with db.read() as session:
        return interim_period(session, account_id)


def gather_interim(session: Session, account_id: int, today: dt.date) -> PaymentDocumentData:
    period = interim_period(session, account_id)
    if period is None:
        raise NotFoundError("Нет открытого расчётного периода: предварительный расчёт невозможен.")
    row = session.execute(
        select(Account, Premise).join(Premise).where(Account.id == account_id)
    ).first()
    if row is None:
        raise NotFoundError("Лицевой счёт не найден.")
    account, premise = row
    ref = References.load(session)
    own = ref.suppliers[account.supplier_id]
    readings = month_readings(session, account_id, period)
    electricity = min(
        (s for s in ref.services.values() if s.recipient_id is None), key=lambda s: s.id
    )
    lines = tuple(
        ServiceLine(
            f"{electricity.name} ({r.zone_label})" if r.zone_label else electricity.name,
            electricity.unit,
            r.consumption or ZERO,
            r.rate or ZERO,
            Decimal(1),
            ZERO,
            r.amount or ZERO,
            ZERO,
            r.amount or ZERO,
            label(VolumeMethod.METER),
            None,
        )  # fmt: skip
        for r in readings
        if r.amount is not None
    )
    charged = sum((line.total for line in lines), ZERO)
    balance = ledger_balance(session, account_id).quantize(ZERO)
    by_service = data._service_balances(session, [account_id], dt.date.max)
    per_recipient = data.recipient_balances(by_service.get(account_id, {}), ref.services)
    sections = [RecipientSection(own, lines, charged)]
    for rid, amount in sorted(per_recipient.items(), key=lambda kv: kv[0] or 0):
        if rid is not None and rid != own.supplier_id and amount:
            sections.append(RecipientSection(ref.suppliers[rid], (), ZERO))
    closing = balance + charged
    sections_t = data.with_balances(
        tuple(sections),
        {k: v for k, v in per_recipient.items() if k is not None},
        closing,
        own.supplier_id,
    )
    payees = data.payees_of(sections_t, ref.suppliers, ref.agents, own.supplier_id)
    meters = data._meters(session, [account_id], period).get(account_id, [])
    previous = data._previous_readings(session, [m.id for m in meters], data.month_end(period))
    meter_lines = []
    for m in meters:
        for zone in range(1, m.zones + 1):
            value, taken_on, source = previous.get((m.id, zone), (None, None, None))
            meter_lines.append(
                MeterLine(
                    m.serial, m.model, data.ZONE_LABELS[m.zones][zone - 1], value, taken_on,
                    m.digits, label(source) if source is not None else "",
                )
            )  # fmt: skip
    customer = holders_of(session, [account_id]).get(account_id)
    last = data._last_payments(session, [account_id], today + dt.timedelta(days=1))
    return PaymentDocumentData(
        account_id=account.id, account_number=account.number, period=period,
        last_name=customer.last_name if customer else "",
        first_name=customer.first_name if customer else "",
        middle_name=customer.middle_name if customer else None,
        address=premise_address(premise), area=premise.area, rooms=premise.rooms,
        residents=premise.residents, supplier=own, recipients=sections_t,
        balance=Balance(balance, charged, ZERO, ZERO, closing),
        amount_due=sum((p.amount for p in payees), ZERO), meters=tuple(meter_lines),
        components=(), due_day=ref.due_days[account.supplier_id],
        number=data.document_number(account.number, period) + "-П", issued_on=today,
        payments_counted_to=today, last_payment_on=last.get(account_id), payees=payees,
        preliminary=True,
    )  # fmt: skip


def interim_document(
    db: Database, actor: Actor, account_id: int, today: dt.date | None = None
) -> InterimDocument:
    """Render the interim document of the month in progress (not stored; the print is audited)."""
    today = today or dt.date.today()
    with db.read() as session:
        document = gather_interim(session, account_id, today)
    content = payment_document.render([document])
    with db.transaction() as session:
        audit.record(
            session, actor, AuditAction.DOCUMENT_ISSUE, "payment_document", None,
            account_id=account_id,
            after={"period": document.period, "interim": True,
                   "amount_due": document.amount_due},
        )  # fmt: skip
    return InterimDocument(document.account_number, document.period, document.amount_due, content)


__all__ = ["InterimDocument", "gather_interim", "interim_available", "interim_document"]
