"""«Реквизиты»: the meter, the tariff with its history, and the requisites of who gets paid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from console.models import Charge, Meter, Service, Supplier, Tariff
from console.models.enums import ConsumptionCategory, StoveType
from console.services.account.rows import account_place
from console.services.core.database import Database
from console.services.vocabulary.labels import label_of, zone_name


@dataclass(frozen=True)
class TariffLine:
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive
    zone_name: str
    rate: Decimal
    purchase: Decimal | None
    transmission: Decimal | None
    retail: Decimal | None
    other: Decimal | None


@dataclass(frozen=True)
class Recipient:
    """Who receives the money for a service, with the requisites printed on the bill."""

    services: tuple[str, ...]
    name: str
    inn: str
    kpp: str
    address: str
    phone: str
    email: str
    site: str
    bank_name: str
    bic: str
    settlement_account: str
    correspondent_account: str


@dataclass(frozen=True)
class Requisites:
    category_label: str
    stove_label: str
    zones: int
    current: tuple[TariffLine, ...]
    history: tuple[TariffLine, ...]  # newest first
    recipients: tuple[Recipient, ...]  # the supplier first


def requisites(db: Database, account_id: int, *, today: dt.date | None = None) -> Requisites:
    today = today or dt.date.today()
    with db.read() as session:
        account, premise, supplier = account_place(session, account_id)
        zones = session.scalar(
            select(Meter.zones).where(Meter.account_id == account_id).order_by(Meter.status)
        )
        zones = int(zones or 1)
        tariffs = session.scalars(
            select(Tariff)
            .where(
                Tariff.region_id == premise.region_id,
                Tariff.category == account.category,
                Tariff.zones_count == zones,
            )
            .order_by(Tariff.valid_from.desc(), Tariff.zone)
        ).all()
        lines = tuple(_line(t, zones) for t in tariffs)
        current = tuple(
            ln
            for ln in lines
            if ln.valid_from <= today and (ln.valid_to is None or today < ln.valid_to)
        )
        charged_services = set(
            session.scalars(select(Charge.service_id).where(Charge.account_id == account_id))
        )
        services = session.scalars(select(Service).order_by(Service.id)).all()
        recipients = [_recipient(supplier, [s.name for s in services if s.recipient_id is None])]
        for s in services:
            if s.recipient_id is not None and s.id in charged_services:
                other = session.get(Supplier, s.recipient_id)
                if other is not None:
                    recipients.append(_recipient(other, [s.name]))
        return Requisites(
            category_label=label_of(ConsumptionCategory, account.category),
            stove_label=label_of(StoveType, premise.stove_type),
            zones=zones,
            current=current,
            history=lines,
            recipients=tuple(recipients),
        )


def _line(t: Tariff, zones: int) -> TariffLine:
    return TariffLine(
        valid_from=t.valid_from,
        valid_to=t.valid_to,
        zone_name=zone_name(zones, t.zone),
        rate=t.rate,
        purchase=t.purchase_component,
        transmission=t.transmission_component,
        retail=t.retail_component,
        other=t.other_component,
    )


def _recipient(s: Supplier, services: list[str]) -> Recipient:
    return Recipient(
        services=tuple(services), name=s.name, inn=s.inn, kpp=s.kpp, address=s.address,
        phone=s.phone, email=s.email, site=s.site, bank_name=s.bank_name, bic=s.bic,
        settlement_account=s.settlement_account, correspondent_account=s.correspondent_account,
    )  # fmt: skip
