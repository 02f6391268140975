"""Builders of an account's money and paperwork for card tests: charges, payments, statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from console.models import (
    AccountStatement,
    Appeal,
    AppealTopic,
    Charge,
    LedgerEntry,
    Payment,
    RefundApplication,
    Service,
    Supplier,
)
from console.models.enums import (
    AppealChannel,
    AppealKind,
    AppealStatus,
    LedgerKind,
    PaymentMethod,
    RefundPayout,
    RefundReason,
    RefundStatus,
    VolumeMethod,
)
from console.services.core.database import Database


def service_id(db: Database, code: str = "electricity") -> int:
    with db.read() as session:
        found = session.scalar(select(Service.id).where(Service.code == code))
        assert found is not None
        return int(found)


def add_ledger(
    db: Database,
    account_id: int,
    period: dt.date,
    kind: LedgerKind,
    amount: Decimal | str,
    *,
    service: str | None = "electricity",
) -> None:
    sid = service_id(db, service) if service else None
    with db.transaction() as session:
        session.add(
            LedgerEntry(
                account_id=account_id, period=period, kind=kind, amount=Decimal(amount),
                service_id=sid,
            )
        )  # fmt: skip


def add_charge(
    db: Database,
    account_id: int,
    period: dt.date,
    *,
    volume: Decimal | str,
    tariff: Decimal | str,
    zone: int = 1,
    meter_id: int | None = None,
    reading_from: Decimal | str | None = None,
    reading_to: Decimal | str | None = None,
    method: VolumeMethod = VolumeMethod.METER,
    explanation: str | None = None,
    service: str = "electricity",
    post: bool = True,
) -> Decimal:
    """A charge and (``post``) its ledger entry; returns the amount charged."""
    charged = (Decimal(volume) * Decimal(tariff)).quantize(Decimal("0.01"))
    sid = service_id(db, service)
    with db.transaction() as session:
        charge = Charge(
            account_id=account_id, service_id=sid, period=period, zone=zone, meter_id=meter_id,
            reading_from=None if reading_from is None else Decimal(reading_from),
            reading_to=None if reading_to is None else Decimal(reading_to),
            volume=Decimal(volume), tariff=Decimal(tariff), raising_coefficient=Decimal(1),
            excess_amount=Decimal(0), charged=charged, recalculation=Decimal(0),
            volume_method=method, explanation=explanation,
        )  # fmt: skip
        session.add(charge)
        session.flush()
        if post:
            session.add(
                LedgerEntry(
                    account_id=account_id, period=period, kind=LedgerKind.CHARGE, amount=charged,
                    service_id=sid, charge_id=charge.id,
                )
            )  # fmt: skip
    return charged


def add_payment(
    db: Database,
    account_id: int,
    amount: Decimal | str,
    paid_at: dt.datetime,
    *,
    period: dt.date | None = None,
    service: str | None = "electricity",
) -> int:
    period = period or paid_at.date().replace(day=1)
    sid = service_id(db, service) if service else None
    with db.transaction() as session:
        payment = Payment(
            account_id=account_id, amount=Decimal(amount), paid_at=paid_at,
            method=PaymentMethod.CASH, payer="Иванов П. С.",
        )  # fmt: skip
        session.add(payment)
        session.flush()
        session.add(
            LedgerEntry(
                account_id=account_id, period=period, kind=LedgerKind.PAYMENT,
                amount=-Decimal(amount), service_id=sid, payment_id=payment.id,
            )
        )  # fmt: skip
        return payment.id


def add_statement(
    db: Database,
    account_id: int,
    period: dt.date,
    opening: str,
    charged: str,
    recalculated: str,
    paid: str,
) -> None:
    closing = Decimal(opening) + Decimal(charged) + Decimal(recalculated) - Decimal(paid)
    with db.transaction() as session:
        session.add(
            AccountStatement(
                account_id=account_id, period=period, opening=Decimal(opening),
                charged=Decimal(charged), recalculated=Decimal(recalculated), paid=Decimal(paid),
                closing=closing,
            )
        )  # fmt: skip


def add_appeal(
    db: Database, account_id: int, staff_id: int, *, due_on: dt.date, number: str = "VOS-1"
) -> None:
    with db.transaction() as session:
        supplier = session.scalar(select(Supplier.id).where(Supplier.code == "VOS"))
        topic = session.scalar(select(AppealTopic.id).where(AppealTopic.code == "readings"))
        assert supplier is not None and topic is not None
        session.add(
            Appeal(
                number=number, kind=AppealKind.APPEAL, supplier_id=supplier,
                account_id=account_id, applicant_name="Иванов Пётр Сергеевич",
                channel=AppealChannel.IN_PERSON, topic_id=topic, text="Прошу проверить",
                status=AppealStatus.REGISTERED,
                registered_at=dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC),
                registered_by_staff_id=staff_id, due_on=due_on,
            )
        )  # fmt: skip


def add_refund(
    db: Database, account_id: int, customer_id: int, staff_id: int, *, due_on: dt.date
) -> None:
    with db.transaction() as session:
        session.add(
            RefundApplication(
                number="В-2026-1", account_id=account_id, applicant_id=customer_id,
                amount=Decimal("150.00"), reason=RefundReason.OVERPAYMENT,
                payout=RefundPayout.CASH, status=RefundStatus.UNDER_REVIEW,
                registered_at=dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC),
                registered_by_staff_id=staff_id, due_on=due_on,
            )
        )  # fmt: skip
