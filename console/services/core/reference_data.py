"""Reference data every database needs: regions, suppliers with requisites, offices, services,
tariffs with history, consumption norms, appeal topics and the paid services catalogue.

The suppliers are those of the seed manuals. Bank requisites pass their control keys (checked by
the tests with console.services.core.validators); INNs pass their checksums. Tariff figures are
plausible for 2025–2026 but illustrative: a real retailer loads its regulator's decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import (
    AppealTopic,
    ConsumptionNorm,
    Office,
    PaidService,
    Region,
    Service,
    Staff,
    Supplier,
    Tariff,
)
from console.models.enums import ConsumptionCategory, StaffRole

REGIONS = [
    ("45", "Курганская область"),
    ("72", "Тюменская область"),
    ("86", "Ханты-Мансийский автономный округ — Югра"),
    ("56", "Оренбургская область"),
    ("42", "Кемеровская область — Кузбасс"),
    ("68", "Тамбовская область"),
]


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    short_name: str
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
    account_number_length: int
    min_payment: Decimal
    regions: tuple[str, ...]


SUPPLIERS = [
    SupplierSpec(
        "VOS", "АО «Энергосбытовая компания «Восток»", "АО «ЭК «Восток»", "7203009996",
        "720301001", "625023, г. Тюмень, ул. Одесская, д. 14", "8 (800) 250-25-45",
        "info@vostok-electra.ru", "vostok-electra.ru", "Западно-Сибирский банк ПАО Сбербанк",
        "047102651", "40702810567100012345", "30101810800000000651", 10, Decimal("50.00"),
        ("72", "45", "86"),
    ),
    SupplierSpec(
        "OSE", "АО «Оренбургсельэнергосбыт»", "АО «Оренбургсельэнергосбыт»", "5610007775",
        "561001001", "460024, г. Оренбург, ул. Аксакова, д. 3а", "8 (3532) 34-65-00",
        "office@ose56.ru", "ose56.ru", "Оренбургское отделение № 8623 ПАО Сбербанк",
        "045354601", "40702810946000003481", "30101810600000000601", 12, Decimal("50.00"),
        ("56",),
    ),
    SupplierSpec(
        "ESK", "ООО «Энергосбытовая компания Кузбасса»", "ООО «ЭСКК»", "4205006667",
        "420501001", "650000, г. Кемерово, ул. Кузбасская, д. 6", "8 (3842) 45-35-55",
        "office@eskk.ru", "eskk.ru", "Кемеровское отделение № 8615 ПАО Сбербанк",
        "043207612", "40702810526000004217", "30101810200000000612", 13, Decimal("100.00"),
        ("42",),
    ),
    SupplierSpec(
        "TSK", "ПАО «Тамбовская энергосбытовая компания»", "ПАО «ТЭСК»", "6829005555",
        "682901001", "392000, г. Тамбов, ул. Моршанское шоссе, д. 36", "8 (4752) 79-07-00",
        "tesk@tesk.ru", "tesk.ru", "Тамбовское отделение № 8594 ПАО Сбербанк",
        "046850649", "40702810561000007356", "30101810800000000649", 10, Decimal("50.00"),
        ("68",),
    ),
    SupplierSpec(
        "GRO", "АО «Газпром газораспределение Оренбург»", "АО «Газпром газораспределение Оренбург»",
        "5611004449", "561101001", "460000, г. Оренбург, ул. Краснознамённая, д. 39",
        "8 (3532) 98-81-04", "info@orenburggaz.ru", "orenburggaz.ru",
        "Оренбургское отделение № 8623 ПАО Сбербанк", "045354601", "40702810646000015520",
        "30101810600000000601", 12, Decimal("50.00"), (),
    ),
]  # fmt: skip

# Base single-rate tariffs (руб./кВт·ч, urban, gas stove) by region, per period start.
TARIFF_HISTORY: dict[str, list[tuple[dt.date, Decimal]]] = {
    "72": [(dt.date(2025, 1, 1), Decimal("4.16")), (dt.date(2025, 7, 1), Decimal("4.79")),
           (dt.date(2026, 10, 1), Decimal("5.33"))],
    "45": [(dt.date(2025, 1, 1), Decimal("5.52")), (dt.date(2025, 7, 1), Decimal("6.30")),
           (dt.date(2026, 10, 1), Decimal("7.02"))],
    "86": [(dt.date(2025, 1, 1), Decimal("3.43")), (dt.date(2025, 7, 1), Decimal("3.94")),
           (dt.date(2026, 10, 1), Decimal("4.39"))],
    "56": [(dt.date(2025, 1, 1), Decimal("5.81")), (dt.date(2025, 7, 1), Decimal("6.66")),
           (dt.date(2026, 10, 1), Decimal("7.41"))],
    "42": [(dt.date(2025, 1, 1), Decimal("4.03")), (dt.date(2025, 7, 1), Decimal("4.61")),
           (dt.date(2026, 10, 1), Decimal("5.12"))],
    "68": [(dt.date(2025, 1, 1), Decimal("6.17")), (dt.date(2025, 7, 1), Decimal("7.06")),
           (dt.date(2026, 10, 1), Decimal("7.86"))],
}  # fmt: skip

CATEGORY_FACTOR = {
    ConsumptionCategory.URBAN_GAS_STOVE: Decimal("1"),
    ConsumptionCategory.URBAN_ELECTRIC_STOVE: Decimal("0.7"),
    ConsumptionCategory.RURAL: Decimal("0.7"),
}
# Zone factors against the single-rate tariff: day/night; peak/semi-peak/night.
ZONE_FACTORS = {1: (Decimal("1"),), 2: (Decimal("1.15"), Decimal("0.55")),
                3: (Decimal("1.3"), Decimal("1"), Decimal("0.55"))}  # fmt: skip
# Share of a tariff by component: purchase, transmission, retail margin, other.
COMPONENT_SHARES = (Decimal("0.42"), Decimal("0.48"), Decimal("0.07"), Decimal("0.03"))

# кВт·ч per person per month by rooms (1, 2, 3, 4+); rural and electric stoves use more.
NORMS = {
    ConsumptionCategory.URBAN_GAS_STOVE: (Decimal("98"), Decimal("61"), Decimal("47"), Decimal("39")),
    ConsumptionCategory.URBAN_ELECTRIC_STOVE: (Decimal("136"), Decimal("84"), Decimal("65"), Decimal("53")),
    ConsumptionCategory.RURAL: (Decimal("120"), Decimal("75"), Decimal("58"), Decimal("47")),
}  # fmt: skip

APPEAL_TOPICS = [
    ("payment", "Оплата", 30),
    ("readings", "Показания счётчика", 30),
    ("meter_replacement", "Замена счётчика", 30),
    ("account_info", "Информация по счёту", 30),
    ("bill_delivery", "Доставка счёта", 30),
    ("consultation", "Консультация", 30),
    ("complaint", "Жалоба", 30),
    ("tariff_change", "Смена тарифа", 30),
    ("contract", "Заключение договора", 30),
    ("other", "Другой вопрос", 30),
]

PAID_SERVICES = [
    ("meter_replace_1", "Замена однофазного прибора учёта", Decimal("2450.00"), "шт."),
    ("meter_replace_3", "Замена трёхфазного прибора учёта", Decimal("4900.00"), "шт."),
    ("meter_seal", "Опломбирование прибора учёта", Decimal("650.00"), "шт."),
    ("meter_check", "Проверка работы прибора учёта", Decimal("890.00"), "выезд"),
    ("bill_copy", "Дубликат платёжного документа", Decimal("0.00"), "шт."),
    ("reconnect", "Возобновление подачи электроэнергии", Decimal("1750.00"), "выезд"),
]

OFFICES = [
    ("TMN-1", "Клиентский офис «Тюмень, Одесская»", "г. Тюмень, ул. Одесская, д. 14", "72", "VOS"),
    ("KGN-1", "Клиентский офис «Курган, Гоголя»", "г. Курган, ул. Гоголя, д. 55", "45", "VOS"),
    ("SUR-1", "Клиентский офис «Сургут, Ленина»", "г. Сургут, пр-т Ленина, д. 20", "86", "VOS"),
    ("ORB-1", "Клиентский офис «Оренбург, Аксакова»", "г. Оренбург, ул. Аксакова, д. 3а", "56", "OSE"),
    ("KEM-1", "Клиентский офис «Кемерово, Кузбасская»", "г. Кемерово, ул. Кузбасская, д. 6", "42", "ESK"),
    ("TMB-1", "Клиентский офис «Тамбов, Моршанское ш.»", "г. Тамбов, Моршанское ш., д. 36", "68", "TSK"),
]  # fmt: skip


def ensure_reference_data(session: Session) -> None:
    """Insert whatever reference rows are missing; running it again adds nothing."""
    if session.scalar(select(Region.id).limit(1)) is not None:
        return
    regions = {code: Region(code=code, name=name) for code, name in REGIONS}
    session.add_all(regions.values())
    suppliers = {}
    for spec in SUPPLIERS:
        supplier = Supplier(
            code=spec.code, name=spec.name, short_name=spec.short_name, inn=spec.inn,
            kpp=spec.kpp, address=spec.address, phone=spec.phone, email=spec.email,
            site=spec.site, bank_name=spec.bank_name, bic=spec.bic,
            settlement_account=spec.settlement_account,
            correspondent_account=spec.correspondent_account,
            account_number_length=spec.account_number_length, min_payment=spec.min_payment,
            payment_due_day=10,
        )  # fmt: skip
        suppliers[spec.code] = supplier
    session.add_all(suppliers.values())
    session.flush()
    for code, name, address, region, supplier_code in OFFICES:
        session.add(
            Office(code=code, name=name, address=address, region_id=regions[region].id,
                   supplier_id=suppliers[supplier_code].id)
        )  # fmt: skip
    session.add(
        Service(code="electricity", name="Электроснабжение", unit="кВт·ч",
                recipient_id=None, metered=True)
    )  # fmt: skip
    session.add(
        Service(code="vdgo", name="Техническое обслуживание ВДГО", unit="мес.",
                recipient_id=suppliers["GRO"].id, metered=False, monthly_fee=Decimal("48.60"),
                valid_from=dt.date(2025, 1, 1))
    )  # fmt: skip
    _add_tariffs(session, regions)
    for region_row in regions.values():
        for category, per_rooms in NORMS.items():
            for rooms, norm in enumerate(per_rooms, start=1):
                session.add(
                    ConsumptionNorm(region_id=region_row.id, category=category, rooms=rooms,
                                    kwh_per_person=norm, valid_from=dt.date(2025, 1, 1))
                )  # fmt: skip
    for code, name, days in APPEAL_TOPICS:
        session.add(AppealTopic(code=code, name=name, deadline_days=days))
    for code, name, price, unit in PAID_SERVICES:
        session.add(PaidService(code=code, name=name, price=price, unit=unit, is_active=True))
    session.add(
        Staff(login="admin", full_name="Администратор", role=StaffRole.ADMIN, is_active=True)
    )
    session.flush()


def _add_tariffs(session: Session, regions: dict[str, Region]) -> None:
    for region_code, history in TARIFF_HISTORY.items():
        for index, (valid_from, base) in enumerate(history):
            valid_to = history[index + 1][0] if index + 1 < len(history) else None
            for category, factor in CATEGORY_FACTOR.items():
                for zones_count, zone_factors in ZONE_FACTORS.items():
                    for zone, zone_factor in enumerate(zone_factors, start=1):
                        rate = (base * factor * zone_factor).quantize(Decimal("0.01"))
                        parts = [(rate * s).quantize(Decimal("0.0001")) for s in COMPONENT_SHARES]
                        parts[-1] = rate - sum(parts[:-1])  # components add up to the rate
                        session.add(
                            Tariff(
                                region_id=regions[region_code].id, category=category,
                                zones_count=zones_count, zone=zone, rate=rate,
                                valid_from=valid_from, valid_to=valid_to,
                                purchase_component=parts[0], transmission_component=parts[1],
                                retail_component=parts[2], other_component=parts[3],
                            )
                        )  # fmt: skip
