"""Account reports (seeds 000, 001, 003) and the office's day of payments per clerk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import (
    Account,
    AccountStatement,
    Charge,
    Meter,
    Office,
    Payment,
    Premise,
    Reading,
    Service,
    Staff,
)
from console.models.enums import MeterKind, PaymentMethod, ReadingSource, ReadingStatus
from console.services.core.address_format import premise_address
from console.services.core.database import Database
from console.services.core.errors import NotFoundError, ValidationError
from console.services.core.formatting import add_months, date, money, month_year
from console.services.core.metering import metered_volume
from console.services.core.moments import local_day_bounds
from console.services.documents.data import FIXED_FEE, ZONE_LABELS
from console.services.payments.history import day_payments
from console.services.staff.actor import Actor
from console.services.vocabulary.labels import label, label_of, payment_source

R = TypeVar("R")
ZERO = Decimal("0.00")
METER_KINDS = {"individual": MeterKind.INDIVIDUAL, "common_house": MeterKind.COMMON_HOUSE}
TARIFF_NAMES = {1: "однотарифный", 2: "двухтарифный", 3: "трёхтарифный"}


@dataclass(frozen=True)
class Column:
    """A report column: its heading, the row attribute and how to write the value."""

    title: str
    attr: str
    kind: str = "text"  # text, money, date, datetime, volume, rate, int


@dataclass(frozen=True)
class Report(Generic[R]):
    """A report as shown, printed and exported: typed rows plus how to lay them out."""

    title: str
    subtitle: str
    columns: tuple[Column, ...]
    rows: tuple[R, ...]
    totals: dict[str, Decimal | int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    file_stem: str = "Отчёт"


@dataclass(frozen=True)
class PaymentRow:
    paid_at: dt.datetime
    amount: Decimal
    method: str
    place: str
    receipt: str
    clerk: str
    status: str


@dataclass(frozen=True)
class ChargeRow:
    period: dt.date
    service: str
    volume: Decimal
    unit: str
    tariff: Decimal
    method: str
    charged: Decimal
    recalculation: Decimal
    total: Decimal


@dataclass(frozen=True)
class ReadingRow:
    taken_on: dt.date
    entered_at: dt.datetime
    meter: str
    meter_type: str
    zone: str
    value: Decimal
    consumption: Decimal | None
    source: str
    status: str
    reason: str


@dataclass(frozen=True)
class ClerkPaymentRow:
    clerk: str
    count: int
    cash: Decimal
    card: Decimal
    other: Decimal
    total: Decimal


def _account(session: Session, account_id: int) -> tuple[Account, Premise]:
    row = session.execute(
        select(Account, Premise).join(Premise).where(Account.id == account_id)
    ).first()
    if row is None:
        raise NotFoundError(f"Лицевой счёт (id {account_id}) не найден.")
    return row[0], row[1]


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError("Начало периода позже его конца: поменяйте даты местами.", "start")


def payment_history(
    db: Database, account_id: int, start: dt.date, end: dt.date
) -> Report[PaymentRow]:
    """История платежей: where, when and how much, with reversals shown as such."""
    _check_range(start, end)
    first, after = local_day_bounds(start, end)
    with db.read() as session:
        account, premise = _account(session, account_id)
        head, number = (
            _subtitle(account, premise, f"с {date(start)} по {date(end)}"),
            account.number,
        )
        reversed_ids = set(
            session.scalars(
                select(Payment.reversal_of_id).where(
                    Payment.account_id == account_id, Payment.reversal_of_id.is_not(None)
                )
            )
        )
        rows = []
        for payment, office, staff in session.execute(
            select(Payment, Office, Staff)
            .outerjoin(Office, Office.id == Payment.office_id)
            .outerjoin(Staff, Staff.id == Payment.staff_id)
            .where(
                Payment.account_id == account_id,
                Payment.paid_at >= first,
                Payment.paid_at < after,
            )
            .order_by(Payment.paid_at, Payment.id)
        ):
            reversal = payment.reversal_of_id is not None
            status = (
                "сторно" if reversal else "сторнирован" if payment.id in reversed_ids else "принят"
            )
            rows.append(
                PaymentRow(
                    paid_at=payment.paid_at,
                    amount=-abs(payment.amount) if reversal else payment.amount,
                    method=label_of(PaymentMethod, payment.method),
                    place=office.name if office else (payment_source(payment.source) or "—"),
                    receipt=payment.receipt_number or "",
                    clerk=staff.full_name if staff else "",
                    status=status,
                )
            )
    total = sum((r.amount for r in rows), ZERO)
    return Report(
        title="История платежей",
        subtitle=head,
        columns=(
            Column("Дата и время", "paid_at", "datetime"),
            Column("Сумма, руб.", "amount", "money"),
            Column("Способ", "method"),
            Column("Место", "place"),
            Column("Чек", "receipt"),
            Column("Принял", "clerk"),
            Column("Состояние", "status"),
        ),
        rows=tuple(rows),
        totals={"amount": total},
        file_stem=f"История платежей {number}",
    )


def charge_history(
    db: Database, account_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> Report[ChargeRow]:
    """История начислений: by default the last 6 closed months of the account."""
    with db.read() as session:
        account, premise = _account(session, account_id)
        if end is None:
            end = session.scalar(
                select(AccountStatement.period)
                .where(AccountStatement.account_id == account_id)
                .order_by(AccountStatement.period.desc())
                .limit(1)
            ) or dt.date.today().replace(day=1)
        end = end.replace(day=1)
        start = (start or add_months(end, -5)).replace(day=1)
        _check_range(start, end)
        head = _subtitle(account, premise, f"{month_year(start)} — {month_year(end)}")
        number = account.number
        services = {s.id: s for s in session.scalars(select(Service))}
        rows = []
        for c in session.scalars(
            select(Charge)
            .where(Charge.account_id == account_id, Charge.period >= start, Charge.period <= end)
            .order_by(Charge.period, Charge.service_id, Charge.zone)
        ):
            service = services[c.service_id]
            zones = ZONE_LABELS.get(_zones_of(session, c.meter_id), ("",))
            zone = zones[c.zone - 1] if service.metered and c.zone <= len(zones) else ""
            rows.append(
                ChargeRow(
                    period=c.period, service=f"{service.name} ({zone})" if zone else service.name,
                    volume=c.volume, unit=service.unit, tariff=c.tariff,
                    method=label(c.volume_method) if service.metered else FIXED_FEE,
                    charged=c.charged, recalculation=c.recalculation,
                    total=c.charged + c.recalculation,
                )
            )  # fmt: skip
        notes = tuple(
            f"{month_year(s.period)}: долг на начало {money(s.opening)}, начислено "
            f"{money(s.charged)}, перерасчёт {money(s.recalculated)}, оплачено {money(s.paid)}, "
            f"{'долг' if s.closing >= 0 else 'аванс'} на конец {money(abs(s.closing))} руб."
            for s in session.scalars(
                select(AccountStatement)
                .where(
                    AccountStatement.account_id == account_id,
                    AccountStatement.period >= start,
                    AccountStatement.period <= end,
                )
                .order_by(AccountStatement.period)
            )
        )
    return Report(
        title="История начислений",
        subtitle=head,
        columns=(
            Column("Месяц", "period", "month"),
            Column("Услуга", "service"),
            Column("Объём", "volume", "volume"),
            Column("Ед.", "unit"),
            Column("Тариф, руб.", "tariff", "rate"),
            Column("Объём определён", "method"),
            Column("Начислено, руб.", "charged", "money"),
            Column("Перерасчёт, руб.", "recalculation", "money"),
            Column("Всего, руб.", "total", "money"),
        ),
        rows=tuple(rows),
        totals={
            "charged": sum((r.charged for r in rows), ZERO),
            "recalculation": sum((r.recalculation for r in rows), ZERO),
            "total": sum((r.total for r in rows), ZERO),
        },
        notes=notes,
        file_stem=f"История начислений {number}",
    )


def _zones_of(session: Session, meter_id: int | None) -> int:
    if meter_id is None:
        return 1
    meter = session.get(Meter, meter_id)
    return meter.zones if meter is not None else 1


def readings_history(
    db: Database, account_id: int, kind: str, start: dt.date, end: dt.date
) -> Report[ReadingRow]:
    """Показания приборов учёта: individual meters of the account or common-house ones of its
    house, over a period, with consumption and status (rejected ones with the reason)."""
    _check_range(start, end)
    if kind not in METER_KINDS:
        raise ValidationError("Выберите вид прибора учёта: индивидуальный или общедомовой.", "kind")
    with db.read() as session:
        account, premise = _account(session, account_id)
        which = "индивидуальные" if kind == "individual" else "общедомовые"
        head = _subtitle(account, premise, f"{which}, с {date(start)} по {date(end)}")
        number = account.number
        query = select(Meter)
        if kind == "individual":
            query = query.where(Meter.account_id == account_id)
        else:
            house = select(Account.id).join(Premise).where(
                Premise.settlement == premise.settlement, Premise.street == premise.street,
                Premise.house == premise.house, Premise.building == premise.building,
            )  # fmt: skip
            query = query.where(Meter.account_id.in_(house))
        meters = {m.id: m for m in session.scalars(query.where(Meter.kind == METER_KINDS[kind]))}
        last: dict[tuple[int, int], Decimal] = {}
        rows = []
        for r in session.scalars(
            select(Reading)
            .where(Reading.meter_id.in_(meters), Reading.taken_on <= end)
            .order_by(Reading.meter_id, Reading.zone, Reading.taken_on, Reading.id)
        ):
            meter = meters[r.meter_id]
            consumption = None
            if r.status is ReadingStatus.ACCEPTED:
                previous = last.get((r.meter_id, r.zone))
                if previous is not None:
                    consumption = metered_volume(
                        previous, r.value, meter.digits, meter.transformation_ratio
                    )
                last[(r.meter_id, r.zone)] = r.value
            if r.taken_on < start:
                continue
            rows.append(
                ReadingRow(
                    taken_on=r.taken_on, entered_at=r.entered_at, meter=meter.serial,
                    meter_type=f"{label(meter.kind)}, {TARIFF_NAMES.get(meter.zones, '')}",
                    zone=ZONE_LABELS[meter.zones][r.zone - 1] or "—", value=r.value,
                    consumption=consumption, source=label_of(ReadingSource, r.source),
                    status=label_of(ReadingStatus, r.status), reason=r.reason or "",
                )
            )  # fmt: skip
    rows.sort(key=lambda row: (row.taken_on, row.meter, row.zone))
    return Report(
        title="Показания приборов учёта",
        subtitle=head,
        columns=(
            Column("Дата показаний", "taken_on", "date"),
            Column("Введено", "entered_at", "datetime"),
            Column("№ прибора", "meter"),
            Column("Прибор учёта", "meter_type"),
            Column("Зона", "zone"),
            Column("Показание", "value", "volume"),
            Column("Расход, кВт·ч", "consumption", "volume"),
            Column("Источник", "source"),
            Column("Статус", "status"),
            Column("Причина", "reason"),
        ),
        rows=tuple(rows),
        file_stem=f"Показания {number}",
    )


def office_day_payments(
    db: Database, actor: Actor, day: dt.date, office_id: int | None = None
) -> Report[ClerkPaymentRow]:
    """A day's payments at an office per clerk (a clerk sees only their own)."""
    office_id = office_id or actor.office_id
    if office_id is None:
        raise ValidationError("Выберите офис: рабочее место не привязано к офису.", "office")
    with db.read() as session:
        office = session.get(Office, office_id)
        if office is None:
            raise NotFoundError("Офис не найден.")
        taken = day_payments(
            session, office_id, day, only_of=None if actor.is_supervisor else actor
        )
        office_name = office.name
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = defaultdict(int)
    for payment in taken:
        clerk = payment.clerk or "без сотрудника"
        bucket = {PaymentMethod.CASH: "cash", PaymentMethod.CARD: "card"}.get(
            payment.method, "other"
        )
        sums[clerk][bucket] += payment.amount
        counts[clerk] += 0 if payment.is_reversal else 1  # as the day's closing counts them
    rows = tuple(
        ClerkPaymentRow(
            clerk=clerk,
            count=counts[clerk],
            cash=s["cash"],
            card=s["card"],
            other=s["other"],
            total=s["cash"] + s["card"] + s["other"],
        )  # fmt: skip
        for clerk, s in sorted(sums.items())
    )
    return Report(
        title="Платежи за день по сотрудникам",
        subtitle=f"{office_name}, {date(day)}",
        columns=(
            Column("Сотрудник", "clerk"),
            Column("Платежей", "count", "int"),
            Column("Наличными, руб.", "cash", "money"),
            Column("Картой, руб.", "card", "money"),
            Column("Прочие, руб.", "other", "money"),
            Column("Итого, руб.", "total", "money"),
        ),
        rows=rows,
        totals={
            "count": sum(r.count for r in rows),
            "cash": sum((r.cash for r in rows), ZERO),
            "card": sum((r.card for r in rows), ZERO),
            "other": sum((r.other for r in rows), ZERO),
            "total": sum((r.total for r in rows), ZERO),
        },
        file_stem=f"Платежи за {day:%Y-%m-%d}",
    )


def _subtitle(account: Account, premise: Premise, period: str) -> str:
    return f"Лицевой счёт {account.number}, {premise_address(premise)}; {period}"
