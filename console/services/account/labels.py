"""Russian words for the stored codes an account card shows (status, relation, source, …)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.models.enums import (
    AccountStatus,
    AppealStatus,
    BillDelivery,
    ConsumptionCategory,
    DocumentKind,
    HolderRelation,
    MeterKind,
    MeterStatus,
    PaymentMethod,
    ReadingSource,
    ReadingStatus,
    RefundStatus,
    StoveType,
    VolumeMethod,
)

ACCOUNT_STATUS = {AccountStatus.ACTIVE: "Открыт", AccountStatus.CLOSED: "Закрыт"}
BILL_DELIVERY = {BillDelivery.PAPER: "На бумаге", BillDelivery.EMAIL: "По электронной почте"}
CATEGORY = {
    ConsumptionCategory.URBAN_GAS_STOVE: "Население, город, газовая плита",
    ConsumptionCategory.URBAN_ELECTRIC_STOVE: "Население, город, электроплита",
    ConsumptionCategory.RURAL: "Население, сельская местность",
}
STOVE = {StoveType.GAS: "газовая", StoveType.ELECTRIC: "электрическая"}
RELATION = {
    HolderRelation.OWNER: "Собственник",
    HolderRelation.TENANT: "Наниматель",
    HolderRelation.REGISTERED: "Зарегистрированный",
    HolderRelation.RESIDENT: "Проживает",
    HolderRelation.OTHER: "Другое",
}
METER_KIND = {MeterKind.INDIVIDUAL: "индивидуальный", MeterKind.COMMON_HOUSE: "общедомовой"}
METER_STATUS = {MeterStatus.ACTIVE: "установлен", MeterStatus.REMOVED: "снят"}
READING_SOURCE = {
    ReadingSource.OFFICE: "Клиент в офисе",
    ReadingSource.PHONE: "По телефону",
    ReadingSource.INSPECTOR: "Контролёр",
    ReadingSource.WEB: "Личный кабинет",
    ReadingSource.IMPORT: "Загрузка",
    ReadingSource.REPLACEMENT: "Замена счётчика",
}
READING_STATUS = {
    ReadingStatus.ACCEPTED: "Принято",
    ReadingStatus.REJECTED: "Отклонено",
    ReadingStatus.SUPERSEDED: "Заменено",
}
VOLUME_METHOD = {
    VolumeMethod.METER: "по прибору учёта",
    VolumeMethod.AVERAGE: "по среднему",
    VolumeMethod.NORM: "по нормативу",
}
PAYMENT_METHOD = {
    PaymentMethod.CASH: "наличными",
    PaymentMethod.CARD: "картой",
    PaymentMethod.BANK: "через банк",
}
REFUND_STATUS = {
    RefundStatus.REGISTERED: "зарегистрировано",
    RefundStatus.UNDER_REVIEW: "на рассмотрении",
    RefundStatus.APPROVED: "одобрено, ждёт выплаты",
    RefundStatus.REJECTED: "отказано",
    RefundStatus.PAID: "выплачено",
    RefundStatus.CLOSED: "закрыто",
}
APPEAL_STATUS = {
    AppealStatus.REGISTERED: "зарегистрировано",
    AppealStatus.IN_PROGRESS: "в работе",
    AppealStatus.ANSWERED: "дан ответ",
    AppealStatus.CLOSED: "закрыто",
}
DOCUMENT_KIND = {
    DocumentKind.PAYMENT_DOCUMENT: "Платёжный документ",
    DocumentKind.PAYMENT_RECEIPT: "Квитанция об оплате",
    DocumentKind.REGISTRATION_FORM: "Анкета регистрации",
    DocumentKind.REFUND_APPLICATION: "Заявление на возврат",
    DocumentKind.REFUND_DECISION: "Решение по возврату",
    DocumentKind.APPEAL_SLIP: "Талон обращения",
    DocumentKind.APPEAL_ANSWER: "Ответ на обращение",
}
ZONE_NAMES = {
    1: ("круглосуточно",),
    2: ("день", "ночь"),
    3: ("пик", "полупик", "ночь"),
}


def zone_name(zones: int, zone: int) -> str:
    """ "день" for zone 1 of a two-zone meter, "круглосуточно" for a single-rate one."""
    names = ZONE_NAMES.get(zones, ())
    return names[zone - 1] if 0 < zone <= len(names) else f"T{zone}"


def label(table: Mapping[Any, str], value: object) -> str:
    """The Russian word for a code (StrEnum members and their plain values alike)."""
    if value is None:
        return ""
    return table.get(value, str(value))
