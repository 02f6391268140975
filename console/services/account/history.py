"""«История»: every event of an account by month (seed 004's "Все события").

Readings, charges and month statements (квитанции), payments, issued documents, refund
applications and appeals, newest month first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from console.models import (
    AccountStatement,
    Appeal,
    AppealTopic,
    IssuedDocument,
    LedgerEntry,
    Meter,
    Payment,
    Reading,
    RefundApplication,
    Staff,
)
from console.models.enums import (
    AppealStatus,
    DocumentKind,
    LedgerKind,
    PaymentMethod,
    ReadingSource,
    ReadingStatus,
    RefundStatus,
)
from console.services.core.database import Database
from console.services.core.formatting import add_months, first_of_month, money, month_year, volume
from console.services.core.moments import local_date
from console.services.vocabulary.labels import label_of, zone_name


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # reading, charge, statement, payment, document, refund, appeal
    title: str
    detail: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class MonthEvents:
    period: dt.date
    events: tuple[Event, ...]


def history(
    db: Database, account_id: int, *, months: int | None = 3, today: dt.date | None = None
) -> tuple[MonthEvents, ...]:
    """Events of the last ``months`` months (None: all), grouped by month, newest first."""
    today = today or dt.date.today()
    since = add_months(first_of_month(today), -(months - 1)) if months else dt.date(1900, 1, 1)
    events: list[Event] = []
    with db.read() as session:
        readings = session.execute(
            select(Reading, Meter.serial, Meter.zones, Staff.full_name)
            .join(Meter, Meter.id == Reading.meter_id)
            .outerjoin(Staff, Staff.id == Reading.staff_id)
            .where(Meter.account_id == account_id, Reading.taken_on >= since)
            .order_by(Reading.taken_on, Reading.zone)
        ).all()
        grouped: dict[tuple[dt.date, str], list[str]] = defaultdict(list)
        meta: dict[tuple[dt.date, str], str] = {}
        for reading, serial, zones, staff in readings:
            key = (reading.taken_on, serial)
            grouped[key].append(
                f"{zone_name(zones, reading.zone)} {volume(reading.value)} кВт·ч"
                + ("" if reading.status.value == "accepted" else
                   f" ({label_of(ReadingStatus, reading.status).lower()})")
            )  # fmt: skip
            who = label_of(ReadingSource, reading.source) + (f", {staff}" if staff else "")
            meta[key] = f"учтены в счёте за {month_year(reading.period).lower()}; снял: {who}"
        for (day, serial), values in grouped.items():
            events.append(
                Event(day, "reading", f"Показания счётчика {serial}: " + ", ".join(values),
                      meta[(day, serial)])
            )  # fmt: skip
        charged = session.execute(
            select(LedgerEntry.period, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.account_id == account_id, LedgerEntry.period >= since)
            .where(LedgerEntry.kind.in_((LedgerKind.CHARGE, LedgerKind.RECALCULATION)))
            .group_by(LedgerEntry.period)
        ).all()
        for period, amount in charged:
            events.append(
                Event(_end_of_month(period), "charge",
                      f"Начислено за {month_year(period).lower()}: {money(amount, currency=True)}",
                      "", amount)
            )  # fmt: skip
        for st in session.scalars(
            select(AccountStatement).where(
                AccountStatement.account_id == account_id, AccountStatement.period >= since
            )
        ):
            result = "Итого долг" if st.closing > 0 else "Итого переплата"
            events.append(
                Event(_end_of_month(st.period), "statement",
                      f"Квитанция за {month_year(st.period).lower()}: {result} "
                      f"{money(abs(st.closing), currency=True)}",
                      f"На начало периода {money(st.opening)}; начислено {money(st.charged)}; "
                      f"перерасчёт {money(st.recalculated)}; оплачено {money(st.paid)}",
                      st.closing)
            )  # fmt: skip
        for p in session.scalars(
            select(Payment).where(
                Payment.account_id == account_id,
                Payment.paid_at >= dt.datetime.combine(since, dt.time(), dt.UTC),
            )
        ):
            title = (
                f"Сторно оплаты: {money(p.amount, currency=True)}"
                if p.reversal_of_id
                else f"Оплата {money(p.amount, currency=True)}: "
                f"{label_of(PaymentMethod, p.method).lower()}"
            )
            detail = "; ".join(x for x in (p.payer, p.receipt_number and f"чек {p.receipt_number}",
                                           p.reason) if x)  # fmt: skip
            events.append(Event(local_date(p.paid_at), "payment", title, detail, p.amount))
        for doc in session.scalars(
            select(IssuedDocument).where(
                IssuedDocument.account_id == account_id,
                IssuedDocument.issued_at >= dt.datetime.combine(since, dt.time(), dt.UTC),
            )
        ):
            about = f" за {month_year(doc.period).lower()}" if doc.period else ""
            events.append(
                Event(local_date(doc.issued_at), "document",
                      f"Выдан документ: {label_of(DocumentKind, doc.kind)}{about}", "")
            )  # fmt: skip
        for r in session.scalars(
            select(RefundApplication).where(RefundApplication.account_id == account_id)
        ):
            if r.registered_at.date() >= since:
                events.append(
                    Event(local_date(r.registered_at), "refund",
                          f"Заявление на возврат № {r.number}: {money(r.amount, currency=True)}",
                          label_of(RefundStatus, r.status), r.amount)
                )  # fmt: skip
            if r.paid_at is not None and local_date(r.paid_at) >= since:
                # Money that went back to the customer: a refund, never a payment.
                how = (f"наличными, расходный кассовый ордер № {r.cash_order_number}"
                       if r.cash_order_number else
                       f"переводом, платёжное поручение № {r.payment_order_number} от "
                       f"{r.payment_order_date.strftime('%d.%m.%Y')}"
                       if r.payment_order_number and r.payment_order_date else "")  # fmt: skip
                events.append(
                    Event(local_date(r.paid_at), "refund",
                          f"Возврат {money(r.amount, currency=True)}",
                          "; ".join(x for x in (f"по заявлению № {r.number}", how) if x),
                          r.amount)
                )  # fmt: skip
        for a, topic in session.execute(
            select(Appeal, AppealTopic.name)
            .join(AppealTopic, AppealTopic.id == Appeal.topic_id)
            .where(Appeal.account_id == account_id)
        ):
            if a.registered_at.date() >= since:
                events.append(
                    Event(local_date(a.registered_at), "appeal",
                          f"Обращение № {a.number} «{topic}»", label_of(AppealStatus, a.status))
                )  # fmt: skip
    by_month: dict[dt.date, list[Event]] = defaultdict(list)
    for event in events:
        by_month[first_of_month(event.day)].append(event)
    return tuple(
        MonthEvents(period, tuple(sorted(by_month[period], key=lambda e: e.day, reverse=True)))
        for period in sorted(by_month, reverse=True)
    )


def _end_of_month(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)
