"""«Начисления и платежи»: the 8-column table of seed 000 for one month, with its formulas.

Услуга · Тариф · Долг/переплата (+/−) · Оплачено · Объём · Начислено (= тариф × объём) ·
Перерасчёт · К оплате (= долг − оплачено + начислено + перерасчёт). Money columns come from the
append-only ledger, so "К оплате" of a month is the balance the month closed with; tariffs and
volumes come from the charges, with how each volume was determined (meter, average, norm).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from console.models import Charge, LedgerEntry, Meter, Service
from console.models.enums import LedgerKind, VolumeMethod
from console.services.core.database import Database
from console.services.core.formatting import money, rate, volume
from console.services.vocabulary.labels import label_of, zone_name

ZERO = Decimal("0.00")
PAID_KINDS = (LedgerKind.PAYMENT, LedgerKind.PAYMENT_REVERSAL)
RECALC_KINDS = (LedgerKind.RECALCULATION, LedgerKind.CORRECTION)


@dataclass(frozen=True)
class ZoneCharge:
    zone: int
    zone_name: str
    tariff: Decimal
    volume: Decimal
    charged: Decimal
    method: str
    origin: str  # "по прибору учёта № SN…: 1 200 → 1 400"


@dataclass(frozen=True)
class ChargeRow:
    service: str
    unit: str
    tariff_text: str  # "3,43" or "5,51 / 2,64" for day/night
    debt: Decimal  # at the start of the month, + долг / − переплата
    paid: Decimal
    volume: Decimal | None
    charged: Decimal
    recalculation: Decimal
    due: Decimal
    formula: str  # how "Начислено" was computed
    due_formula: str  # how "К оплате" was computed
    origin: str  # how the volume was determined
    zones: tuple[ZoneCharge, ...]
    #: Refunds of overpayments paid out in the month: money that went back, not a payment.
    refunded: Decimal = ZERO

    @property
    def paid_text(self) -> str:
        """«Оплачено» as the card shows it: a refund is named, never netted into payments."""
        if not self.refunded:
            return money(self.paid)
        back = f"Возврат {money(self.refunded, currency=True)}"
        return back if not self.paid else f"{money(self.paid)} · {back}"


@dataclass(frozen=True)
class ChargesTable:
    period: dt.date
    rows: tuple[ChargeRow, ...]

    @property
    def total_due(self) -> Decimal:
        return sum((r.due for r in self.rows), ZERO)


def periods(db: Database, account_id: int) -> tuple[dt.date, ...]:
    """Months with charges or money movements, newest first."""
    with db.read() as session:
        stmt = union(
            select(LedgerEntry.period).where(LedgerEntry.account_id == account_id),
            select(Charge.period).where(Charge.account_id == account_id),
        )
        found = {row[0] for row in session.execute(stmt)}
    return tuple(sorted(found, reverse=True))


def charges_table(db: Database, account_id: int, period: dt.date) -> ChargesTable:
    """The table for ``period`` (first day of the month)."""
    with db.read() as session:
        services = {s.id: s for s in session.scalars(select(Service))}
        own = next((s.id for s in services.values() if s.code == "electricity"), None)
        money_by = _ledger(session, account_id, period, own)
        charges = session.execute(
            select(Charge, Meter.serial)
            .outerjoin(Meter, Meter.id == Charge.meter_id)
            .where(Charge.account_id == account_id, Charge.period == period)
            .order_by(Charge.service_id, Charge.zone)
        ).all()
        zones_count = _zones_count(session, account_id)
        by_service: dict[int | None, list[tuple[Charge, str | None]]] = defaultdict(list)
        for charge, serial in charges:
            by_service[charge.service_id].append((charge, serial))
        rows = []
        for service_id in sorted(
            set(money_by) | set(by_service), key=lambda s: (s is None, s or 0)
        ):
            service = services.get(service_id) if service_id is not None else None
            sums = money_by.get(service_id, {})
            items = by_service.get(service_id, [])
            if not items and not any(sums.values()):
                continue
            rows.append(_row(service, sums, items, zones_count))
        return ChargesTable(period, tuple(rows))


def _ledger(
    session: Session, account_id: int, period: dt.date, own: int | None
) -> dict[int | None, dict[str, Decimal]]:
    """Debt before the month, payments, charges and recalculations in it, per service."""
    result: dict[int | None, dict[str, Decimal]] = defaultdict(
        lambda: {"debt": ZERO, "paid": ZERO, "refunded": ZERO, "charged": ZERO, "recalc": ZERO}
    )
    entries = session.execute(
        select(
            LedgerEntry.service_id, LedgerEntry.period, LedgerEntry.kind, LedgerEntry.amount
        ).where(LedgerEntry.account_id == account_id, LedgerEntry.period <= period)
    ).all()
    for service_id, entry_period, kind, amount in entries:
        # Money not split by service belongs to the supplier's own service (electricity).
        sums = result[service_id if service_id is not None else own]
        if entry_period < period or kind is LedgerKind.OPENING:
            sums["debt"] += amount
        elif kind in PAID_KINDS:
            sums["paid"] -= amount
        elif kind is LedgerKind.REFUND:
            sums["refunded"] += amount
        elif kind is LedgerKind.CHARGE:
            sums["charged"] += amount
        else:
            sums["recalc"] += amount
    return result


def _zones_count(session: Session, account_id: int) -> int:
    zones = session.scalar(
        select(Meter.zones).where(Meter.account_id == account_id).order_by(Meter.status, Meter.id)
    )
    return int(zones or 1)


def _row(
    service: Service | None,
    sums: dict[str, Decimal],
    items: list[tuple[Charge, str | None]],
    zones_count: int,
) -> ChargeRow:
    name = service.name if service else "Без разбивки по услугам"
    unit = service.unit if service else ""
    zones = tuple(_zone(c, serial, unit, zones_count) for c, serial in items)
    if sums.get("charged") or sums.get("recalc"):
        charged, recalc = sums["charged"], sums["recalc"]
    else:  # charges not (yet) posted to the ledger: show what was computed
        charged = sum((z.charged for z in zones), ZERO)
        recalc = sum((c.recalculation for c, _ in items), ZERO)
    debt, paid = sums.get("debt", ZERO), sums.get("paid", ZERO)
    refunded = sums.get("refunded", ZERO)
    due = debt - paid + refunded + charged + recalc
    total_volume = sum((z.volume for z in zones), Decimal(0)) if zones else None
    if service is not None and not service.metered and service.monthly_fee is not None:
        formula = f"Фиксированная плата: {money(service.monthly_fee, currency=True)} в месяц"
        tariff_text = rate(service.monthly_fee)
    elif zones:
        parts = [f"{volume(z.volume, 1)} {unit} × {rate(z.tariff)}" for z in zones]
        if len(zones) > 1:
            parts = [f"{p} ({z.zone_name})" for p, z in zip(parts, zones, strict=True)]
        formula = " + ".join(parts) + f" = {money(sum((z.charged for z in zones), ZERO))}"
        tariff_text = " / ".join(rate(z.tariff) for z in zones)
    else:
        formula, tariff_text = "в этом месяце не начислялось", ""
    back = f" + {money(refunded)} (возврат)" if refunded else ""
    due_formula = (
        f"{money(debt)} − {money(paid)}{back} + {money(charged)} + {money(recalc)} = {money(due)}"
    )
    origin = "; ".join(
        (f"{z.zone_name}: " if len(zones) > 1 else "") + z.origin for z in zones if z.origin
    )
    return ChargeRow(
        service=name, unit=unit, tariff_text=tariff_text, debt=debt, paid=paid,
        volume=total_volume, charged=charged, recalculation=recalc, due=due, formula=formula,
        due_formula=due_formula, origin=origin, zones=zones, refunded=refunded,
    )  # fmt: skip


def _zone(charge: Charge, serial: str | None, unit: str, zones_count: int) -> ZoneCharge:
    method = charge.volume_method
    origin = label_of(VolumeMethod, method)
    if method is VolumeMethod.METER and serial:
        origin += f" № {serial}"
        if charge.reading_from is not None and charge.reading_to is not None:
            origin += f": {volume(charge.reading_from)} → {volume(charge.reading_to)}"
    if charge.raising_coefficient and charge.raising_coefficient != 1:
        origin += f", повышающий коэффициент {rate(charge.raising_coefficient)}"
    if charge.explanation:
        origin += f" ({charge.explanation})"
    return ZoneCharge(
        zone=charge.zone,
        zone_name=zone_name(zones_count, charge.zone),
        tariff=charge.tariff,
        volume=charge.volume,
        charged=charge.charged,
        method=method.value,
        origin=origin,
    )
