"""The one vocabulary: the Russian word for every stored code a person reads.

Every enum of ``console.models.enums`` and every audit action has its label here, and only
here (tests/core/test_labels.py checks both). Labels are written as a table cell reads them,
with a capital letter (a caller that puts one mid-sentence lowers it), except the few only
ever said inside a phrase: a stove, a meter's kind and state, how a volume was found
(«газовая», «общедомовой», «по нормативу»). Beside the enums: the
payment sources of bank registries, the objects and the detail keys of the audit trail, and
the names of the tariff zones.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from console.models.enums import (
    AccountStatus,
    AppealChannel,
    AppealKind,
    AppealStatus,
    AuditAction,
    BillDelivery,
    BindingProof,
    CashDayStatus,
    ConsumptionCategory,
    DocumentKind,
    EmailKind,
    EmailStatus,
    FiscalChequeStatus,
    HolderRelation,
    LedgerKind,
    MeterKind,
    MeterStatus,
    PaymentMethod,
    PeriodStatus,
    ReadingSource,
    ReadingStatus,
    RefundPayout,
    RefundReason,
    RefundStatus,
    SettlementKind,
    StaffRole,
    StoveType,
    VolumeMethod,
)

E = TypeVar("E", bound=Enum)

STAFF_ROLE: dict[StaffRole, str] = {
    StaffRole.CLERK: "Специалист",
    StaffRole.SUPERVISOR: "Руководитель офиса",
    StaffRole.ADMIN: "Администратор",
}
STOVE_TYPE: dict[StoveType, str] = {
    StoveType.GAS: "газовая",
    StoveType.ELECTRIC: "электрическая",
}
SETTLEMENT_KIND: dict[SettlementKind, str] = {
    SettlementKind.URBAN: "Город",
    SettlementKind.RURAL: "Сельская местность",
}
CONSUMPTION_CATEGORY: dict[ConsumptionCategory, str] = {
    ConsumptionCategory.URBAN_GAS_STOVE: "Население, город, газовая плита",
    ConsumptionCategory.URBAN_ELECTRIC_STOVE: "Население, город, электроплита",
    ConsumptionCategory.RURAL: "Население, сельская местность",
}
ACCOUNT_STATUS: dict[AccountStatus, str] = {
    AccountStatus.ACTIVE: "Открыт",
    AccountStatus.CLOSED: "Закрыт",
}
EMAIL_STATUS: dict[EmailStatus, str] = {
    EmailStatus.QUEUED: "В очереди",
    EmailStatus.SENDING: "Отправляется",
    EmailStatus.SENT: "Отправлено",
    EmailStatus.FAILED: "Ошибка, будет повтор",
    EmailStatus.BOUNCED: "Адрес не принят",
}
EMAIL_KIND: dict[EmailKind, str] = {
    EmailKind.MONTHLY: "Ежемесячная рассылка",
    EmailKind.MANUAL: "Отправлено сотрудником",
}
BILL_DELIVERY: dict[BillDelivery, str] = {
    BillDelivery.PAPER: "На бумаге",
    BillDelivery.EMAIL: "По электронной почте",
}
HOLDER_RELATION: dict[HolderRelation, str] = {
    HolderRelation.OWNER: "Собственник",
    HolderRelation.TENANT: "Наниматель",
    HolderRelation.REGISTERED: "Зарегистрированный",
    HolderRelation.RESIDENT: "Проживает",
    HolderRelation.OTHER: "Другое",
}
BINDING_PROOF: dict[BindingProof, str] = {
    BindingProof.HOLDER_NAME: "ФИО совпадает с владельцем счёта",
    BindingProof.BILL_TOTAL: "Сумма квитанции за последние 6 месяцев",
    BindingProof.METER_SERIAL: "Заводской номер счётчика",
    BindingProof.DOCUMENT: "Документ (право собственности, договор найма)",
}
#: What the clerk types to prove the link (the placeholder of the answer field).
BINDING_PROOF_HINT: dict[BindingProof, str] = {
    BindingProof.HOLDER_NAME: "не нужен: сверяются ФИО",
    BindingProof.BILL_TOTAL: "сумма «Итого» из квитанции, например 1500,00",
    BindingProof.METER_SERIAL: "заводской номер счётчика",
    BindingProof.DOCUMENT: "вид, номер и дата документа",
}
METER_KIND: dict[MeterKind, str] = {
    MeterKind.INDIVIDUAL: "индивидуальный",
    MeterKind.COMMON_HOUSE: "общедомовой",
}
METER_STATUS: dict[MeterStatus, str] = {
    MeterStatus.ACTIVE: "установлен",
    MeterStatus.REMOVED: "снят",
}
READING_SOURCE: dict[ReadingSource, str] = {
    ReadingSource.OFFICE: "Клиент в офисе",
    ReadingSource.PHONE: "По телефону",
    ReadingSource.INSPECTOR: "Контролёр",
    ReadingSource.WEB: "Личный кабинет",
    ReadingSource.IMPORT: "Загрузка из файла",
    ReadingSource.REPLACEMENT: "Замена счётчика",
}
READING_STATUS: dict[ReadingStatus, str] = {
    ReadingStatus.ACCEPTED: "Принято",
    ReadingStatus.REJECTED: "Отклонено",
    ReadingStatus.SUPERSEDED: "Заменено",
}
VOLUME_METHOD: dict[VolumeMethod, str] = {
    VolumeMethod.METER: "по прибору учёта",
    VolumeMethod.AVERAGE: "по среднему",
    VolumeMethod.NORM: "по нормативу",
}
PERIOD_STATUS: dict[PeriodStatus, str] = {
    PeriodStatus.OPEN: "Открыт",
    PeriodStatus.CLOSED: "Закрыт",
}
LEDGER_KIND: dict[LedgerKind, str] = {
    LedgerKind.OPENING: "Входящее сальдо",
    LedgerKind.CHARGE: "Начисление",
    LedgerKind.RECALCULATION: "Перерасчёт",
    LedgerKind.PAYMENT: "Оплата",
    LedgerKind.PAYMENT_REVERSAL: "Сторно оплаты",
    LedgerKind.REFUND: "Возврат",
    LedgerKind.CORRECTION: "Корректировка",
}
PAYMENT_METHOD: dict[PaymentMethod, str] = {
    PaymentMethod.CASH: "Наличные",
    PaymentMethod.CARD: "Банковская карта",
    PaymentMethod.BANK: "Через банк",
}
FISCAL_CHEQUE_STATUS: dict[FiscalChequeStatus, str] = {
    FiscalChequeStatus.PENDING: "Ожидает регистрации в ККТ",
    FiscalChequeStatus.REGISTERED: "Зарегистрирован в ККТ",
    FiscalChequeStatus.FAILED: "ККТ отказала: нужна проверка",
}
REFUND_REASON: dict[RefundReason, str] = {
    RefundReason.OVERPAYMENT: "Переплата",
    RefundReason.WRONG_PAYMENT: "Ошибочный платёж",
    RefundReason.DOUBLE_PAYMENT: "Двойная оплата",
    RefundReason.ACCOUNT_CLOSED: "Закрытие счёта",
}
REFUND_PAYOUT: dict[RefundPayout, str] = {
    RefundPayout.BANK_TRANSFER: "Перевод на банковский счёт",
    RefundPayout.CASH: "Наличными в кассе офиса",
}
CASH_DAY_STATUS: dict[CashDayStatus, str] = {
    CashDayStatus.CLOSED: "Закрыта",
    CashDayStatus.REOPENED: "Открыта вновь",
}

REFUND_STATUS: dict[RefundStatus, str] = {
    RefundStatus.REGISTERED: "Зарегистрировано",
    RefundStatus.UNDER_REVIEW: "На рассмотрении",
    RefundStatus.APPROVED: "Одобрено",
    RefundStatus.REJECTED: "Отказано",
    RefundStatus.PAID: "Выплачено",
    RefundStatus.CLOSED: "Закрыто",
}
APPEAL_CHANNEL: dict[AppealChannel, str] = {
    AppealChannel.IN_PERSON: "Лично",
    AppealChannel.PHONE: "Телефон",
    AppealChannel.LETTER: "Письмо",
    AppealChannel.EMAIL: "Электронная почта",
}
APPEAL_KIND: dict[AppealKind, str] = {
    AppealKind.APPEAL: "Обращение",
    AppealKind.SERVICE_ORDER: "Заказ платной услуги",
}
APPEAL_STATUS: dict[AppealStatus, str] = {
    AppealStatus.REGISTERED: "Зарегистрировано",
    AppealStatus.IN_PROGRESS: "В работе",
    AppealStatus.ANSWERED: "Ответ подготовлен",
    AppealStatus.CLOSED: "Закрыто",
}
DOCUMENT_KIND: dict[DocumentKind, str] = {
    DocumentKind.PAYMENT_DOCUMENT: "Платёжный документ",
    DocumentKind.PAYMENT_RECEIPT: "Квитанция об оплате",
    DocumentKind.REGISTRATION_FORM: "Анкета регистрации",
    DocumentKind.REFUND_APPLICATION: "Заявление на возврат",
    DocumentKind.REFUND_DECISION: "Решение по возврату",
    DocumentKind.APPEAL_SLIP: "Талон обращения",
    DocumentKind.APPEAL_ANSWER: "Ответ на обращение",
}
AUDIT_ACTION: dict[AuditAction, str] = {
    AuditAction.STAFF_SIGN_IN: "Вход в пульт",
    AuditAction.STAFF_SIGN_IN_FAILED: "Неудачная попытка входа",
    AuditAction.STAFF_UNLOCK: "Разблокировка пульта",
    AuditAction.STAFF_UNLOCK_FAILED: "Неудачная разблокировка",
    AuditAction.STAFF_SIGN_OUT: "Выход из пульта",
    AuditAction.STAFF_CREATE: "Добавлен сотрудник",
    AuditAction.STAFF_DISABLE: "Отключён сотрудник",
    AuditAction.STAFF_SET_PASSWORD: "Сменён пароль",
    AuditAction.SUPERVISOR_APPROVAL: "Подтверждение руководителя",
    AuditAction.SUPERVISOR_APPROVAL_FAILED: "Неудачное подтверждение руководителя",
    AuditAction.AUDIT_EXPORT: "Выгрузка журнала действий",
    AuditAction.CUSTOMER_CREATE: "Зарегистрирован клиент",
    AuditAction.CUSTOMER_UPDATE: "Изменены данные клиента",
    AuditAction.CUSTOMER_PD_CONSENT: "Получено согласие на обработку персональных данных",
    AuditAction.CUSTOMER_SET_IDENTITY: "Изменены паспортные данные",
    AuditAction.CUSTOMER_REPLACE_PASSPORT: "Заменён паспорт",
    AuditAction.CUSTOMER_REVEAL_PASSPORT: "Показаны паспортные данные",
    AuditAction.CUSTOMER_PRINT_IDENTITY: "Паспортные данные выведены на печать",
    AuditAction.CUSTOMER_SEARCH_PASSPORT: "Поиск по паспорту",
    AuditAction.CUSTOMER_PASSPORT_MISMATCH: "Паспорт не совпал с сохранённым",
    AuditAction.CUSTOMER_SEARCH_PERSON: "Поиск клиента по ФИО и дате рождения",
    AuditAction.ACCOUNT_BILL_DELIVERY: "Изменён способ доставки квитанций",
    AuditAction.ACCOUNT_HOLDER_BIND: "Клиент привязан к лицевому счёту",
    AuditAction.ACCOUNT_HOLDER_UNBIND: "Клиент отвязан от лицевого счёта",
    AuditAction.ACCOUNT_PROOF_PASSED: "Контрольный вопрос по счёту: ответ верный",
    AuditAction.ACCOUNT_PROOF_FAILED: "Контрольный вопрос по счёту: ответ неверный",
    AuditAction.READING_ACCEPT: "Приняты показания",
    AuditAction.READING_REJECT: "Отклонены показания",
    AuditAction.READING_SUPERSEDE: "Показания заменены новыми",
    AuditAction.METER_REPLACE: "Заменён счётчик",
    AuditAction.BILLING_CLOSE_PERIOD: "Закрыт расчётный период",
    AuditAction.PAYMENT_CREATE: "Принят платёж",
    AuditAction.PAYMENT_LARGE_CONFIRMED: "Подтверждён крупный платёж",
    AuditAction.FISCAL_CHEQUE_REGISTERED: "Кассовый чек зарегистрирован в ККТ",
    AuditAction.FISCAL_CHEQUE_ERROR: "Ошибка ККТ при регистрации чека",
    AuditAction.PAYMENT_REVERSE: "Сторно платежа",
    AuditAction.PAYMENTS_IMPORT: "Загружен реестр платежей",
    AuditAction.REFUND_REGISTER: "Зарегистрировано заявление на возврат",
    AuditAction.REFUND_UNDER_REVIEW: "Заявление на возврат взято на рассмотрение",
    AuditAction.REFUND_APPROVED: "Возврат одобрен",
    AuditAction.REFUND_REJECTED: "В возврате отказано",
    AuditAction.REFUND_PAID: "Возврат выплачен",
    AuditAction.REFUND_CLOSED: "Заявление на возврат закрыто",
    AuditAction.REFUND_CASH_ORDER: "Выдан расходный кассовый ордер",
    AuditAction.CASH_DAY_CLOSE: "Кассовая смена офиса закрыта",
    AuditAction.CASH_DAY_REOPEN: "Кассовая смена офиса открыта вновь",
    AuditAction.APPEAL_REGISTER: "Зарегистрировано обращение",
    AuditAction.APPEAL_ASSIGN: "Назначен исполнитель",
    AuditAction.APPEAL_ANSWER: "Подготовлен ответ",
    AuditAction.APPEAL_CLOSE: "Обращение закрыто",
    AuditAction.APPEAL_REOPEN: "Обращение открыто повторно",
    AuditAction.APPEAL_COMMENT: "Комментарий к обращению",
    AuditAction.APPEAL_ATTACH: "Приложен файл",
    AuditAction.APPEAL_SLIP_PRINTED: "Напечатан талон обращения",
    AuditAction.APPEAL_LETTER_ISSUED: "Выдано письмо с ответом",
    AuditAction.APPEAL_TOPIC_DEADLINE: "Изменён срок ответа по теме обращений",
    AuditAction.PAID_SERVICE_ADD: "Добавлена платная услуга",
    AuditAction.PAID_SERVICE_EDIT: "Изменена платная услуга",
    AuditAction.PAID_SERVICE_ACTIVE: "Платная услуга включена или отключена",
    AuditAction.DOCUMENT_ISSUE: "Выдан документ",
    AuditAction.DOCUMENT_REPRINT: "Повторно выдан документ",
    AuditAction.DOCUMENT_BATCH_PRINT: "Пакетная печать платёжных документов",
    AuditAction.DOCUMENT_EMAIL_SENT: "Платёжный документ отправлен по e-mail",
    AuditAction.DOCUMENT_EMAIL_FAILED: "Ошибка отправки платёжного документа по e-mail",
    AuditAction.DOCUMENT_EMAIL_BOUNCED: "Почтовый сервер не принял адрес получателя",
    AuditAction.DOCUMENT_EMAIL_RUN: "Рассылка платёжных документов по e-mail",
    AuditAction.ACCOUNT_PAPER_REFUSAL: "Заявление об отказе от бумажного платёжного документа",
    AuditAction.DEMO_DATA_GENERATE: "Созданы демонстрационные данные",
}

#: Every labelled enum and its table; ``label`` looks a member up here.
TABLES: dict[type[Enum], Mapping[Any, str]] = {
    StaffRole: STAFF_ROLE,
    StoveType: STOVE_TYPE,
    SettlementKind: SETTLEMENT_KIND,
    ConsumptionCategory: CONSUMPTION_CATEGORY,
    AccountStatus: ACCOUNT_STATUS,
    BillDelivery: BILL_DELIVERY,
    HolderRelation: HOLDER_RELATION,
    BindingProof: BINDING_PROOF,
    MeterKind: METER_KIND,
    MeterStatus: METER_STATUS,
    ReadingSource: READING_SOURCE,
    ReadingStatus: READING_STATUS,
    VolumeMethod: VOLUME_METHOD,
    PeriodStatus: PERIOD_STATUS,
    LedgerKind: LEDGER_KIND,
    PaymentMethod: PAYMENT_METHOD,
    FiscalChequeStatus: FISCAL_CHEQUE_STATUS,
    RefundReason: REFUND_REASON,
    RefundPayout: REFUND_PAYOUT,
    RefundStatus: REFUND_STATUS,
    CashDayStatus: CASH_DAY_STATUS,
    AppealChannel: APPEAL_CHANNEL,
    AppealKind: APPEAL_KIND,
    AppealStatus: APPEAL_STATUS,
    DocumentKind: DOCUMENT_KIND,
    EmailStatus: EMAIL_STATUS,
    EmailKind: EMAIL_KIND,
    AuditAction: AUDIT_ACTION,
}


def label(value: Enum | None) -> str:
    """The Russian word for an enum member ("" for None)."""
    if value is None:
        return ""
    return TABLES[type(value)][value]


def label_of(kind: type[E], code: object) -> str:
    """The Russian word for a stored code of ``kind`` (a member or its plain value); an unknown
    code is shown as it is, "" for None."""
    if code is None:
        return ""
    try:
        member = kind(code)
    except ValueError:
        return str(code)
    return TABLES[kind][member]


def choices(kind: type[E]) -> tuple[tuple[E, str], ...]:
    """(member, label) pairs in the enum's order: the items of a combo box."""
    return tuple((member, label(member)) for member in kind)


def proof_hint(code: str | None) -> str:
    """What to type for a BindingProof code ("" for none or an unknown one)."""
    if code is None or code not in frozenset(BindingProof):
        return ""
    return BINDING_PROOF_HINT[BindingProof(code)]


# --- payment sources: free codes of the bank registries (``payments.source``) -----------------
PAYMENT_SOURCE: dict[str, str] = {
    "registry": "Реестр банка",
    "sberbank": "ПАО Сбербанк",
    "pochta": "Почта России",
    "site": "Оплата на сайте",
}


def payment_source(code: str | None) -> str:
    """Where a payment came from, in Russian ("" for a payment taken at the counter); a source
    no table knows is shown as it is (the registry's ``--source``)."""
    if not code:
        return ""
    return PAYMENT_SOURCE.get(code, code)


# --- tariff zones ----------------------------------------------------------------------------
ZONE_NAMES: dict[int, tuple[str, ...]] = {
    1: ("круглосуточно",),
    2: ("день", "ночь"),
    3: ("пик", "полупик", "ночь"),
}


def zone_name(zones: int, zone: int) -> str:
    """ "день" for zone 1 of a two-zone meter, "круглосуточно" for a single-rate one."""
    names = ZONE_NAMES.get(zones, ())
    return names[zone - 1] if 0 < zone <= len(names) else f"T{zone}"


# --- the audit trail: objects and the keys of «Изменения» -------------------------------------
AUDIT_ENTITY: dict[str, str] = {
    "account": "Лицевой счёт",
    "account_holder": "Привязка к лицевому счёту",
    "appeal": "Обращение",
    "appeal_topic": "Тема обращений",
    "audit_events": "Журнал действий",
    "billing_period": "Расчётный период",
    "cash_day": "Кассовая смена офиса",
    "customer": "Клиент",
    "database": "База данных",
    "document": "Документ",
    "email_delivery": "Отправка документа по e-mail",
    "fiscal_cheque": "Кассовый чек",
    "issued_document": "Выданный документ",
    "meter": "Счётчик",
    "paid_service": "Платная услуга",
    "paper_refusal": "Заявление об отказе от бумажного документа",
    "payment": "Платёж",
    "payment_document": "Платёжные документы",
    "payment_registry": "Реестр платежей",
    "reading": "Показания",
    "refund_application": "Заявление на возврат",
    "staff": "Сотрудник",
}

AUDIT_DETAIL: dict[str, str] = {
    # people and accounts
    "login": "Логин",
    "full_name": "ФИО",
    "role": "Роль",
    "office": "Офис",
    "is_active": "Активен",
    "auto": "Автоматический вход",
    "first": "Первый вход",
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "registration_address": "Адрес регистрации",
    "phone": "Телефон",
    "email": "Электронная почта",
    "mailing_consent": "Согласие на рассылку",
    "pd_consent_at": "Согласие на обработку ПДн получено",
    "pd_consent_staff_id": "Согласие принял (сотрудник)",
    "passport": "Паспорт",
    "passport_issued_on": "Дата выдачи паспорта",
    "passport_division_code": "Код подразделения",
    "snils": "СНИЛС",
    "birth_date": "Дата рождения",
    "found": "Найдено",
    "similar": "Поиск похожих ФИО (возможный дубликат)",
    "minor": "Несовершеннолетний клиент",
    "purpose": "Цель",
    "bill_delivery": "Доставка квитанций",
    "delivery_email": "Адрес для квитанций",
    "customer_id": "Клиент (код)",
    "holder_customer_id": "Владелец счёта (код клиента)",
    "relation": "Отношение к счёту",
    "proof": "Подтверждение связи",
    "is_primary": "Основной владелец",
    "bill_total": "Сумма квитанции",
    "meter_serial": "Заводской номер счётчика",
    "document": "Документ",
    "fiscal_cheque": "Кассовый чек",
    "unbound": "Отвязан",
    # readings and meters
    "meter": "Счётчик",
    "meter_id": "Счётчик (код)",
    "zone": "Зона",
    "value": "Показание",
    "taken_on": "Дата снятия",
    "period": "Период",
    "source": "Источник",
    "consumption": "Расход",
    "rollover": "Переход через ноль",
    "warnings": "Предупреждения",
    "restored": "Восстановлены показания (код)",
    "serial": "Заводской номер",
    "removed_on": "Дата снятия счётчика",
    "final": "Конечные показания",
    "initial": "Начальные показания",
    "new_meter_id": "Новый счётчик (код)",
    "new_serial": "Заводской номер нового счётчика",
    "new_model": "Модель нового счётчика",
    # billing
    "already_closed": "Период уже был закрыт",
    "accounts": "Лицевых счетов",
    "charges": "Начислений",
    "by_method": "По способу расчёта",
    "charged": "Начислено",
    "recalculated": "Перерасчёт",
    "statements": "Платёжных документов",
    "engine": "Расчёт выполнен",
    "seconds": "Секунд",
    # money
    "amount": "Сумма",
    "method": "Способ оплаты",
    "receipt_number": "Номер квитанции",
    "external_id": "Номер операции в банке",
    "allocations": "Распределение по услугам",
    "reversal_id": "Сторно (код)",
    "lines": "Строк",
    "applied": "Зачислено",
    "duplicates": "Уже загружены ранее",
    "problems": "Строк с ошибками",
    "number": "Номер",
    "payout": "Способ выплаты",
    "due_on": "Срок",
    "payments": "Платежи (коды)",
    "attachments": "Вложений",
    "note": "Примечание",
    "cash_order_number": "Номер расходного кассового ордера",
    "printed": "Напечатан",
    "payment_order_number": "Номер платёжного поручения",
    "payment_order_date": "Дата платёжного поручения",
    "cheque_fd_number": "Номер фискального документа",
    "cheque_fiscal_sign": "Фискальный признак документа",
    "cheque_shift": "Смена ККТ",
    "office_id": "Офис (код)",
    "day": "День",
    "cash_in": "Принято наличных",
    "cash_out": "Выдано наличных",
    "kkt_cash_in": "Наличные по ККТ: приход",
    "kkt_cash_out": "Наличные по ККТ: возврат прихода",
    "difference": "Расхождение",
    "explanation": "Объяснение расхождения",
    "received_by_staff_id": "Принял (код сотрудника)",
    # appeals and catalogues
    "kind": "Вид",
    "channel": "Канал",
    "topic_id": "Тема (код)",
    "applicant_name": "Заявитель",
    "paid_service_id": "Платная услуга (код)",
    "price": "Цена",
    "disputes_refund_id": "Обжалуемый возврат (код)",
    "disputes_charge_id": "Обжалуемое начисление (код)",
    "assigned_to_staff_id": "Исполнитель (код)",
    "assignee": "Исполнитель",
    "routed_past": "Минуя сотрудника (код)",
    "status": "Статус",
    "answer_text": "Текст ответа",
    "answered_at": "Дата ответа",
    "closed_at": "Дата закрытия",
    "text": "Текст",
    "reason": "Причина",
    "attachment_id": "Вложение (код)",
    "filename": "Файл",
    "deadline_days": "Срок ответа, дней",
    "code": "Код",
    "name": "Наименование",
    "unit": "Единица",
    # documents, the trail, demo data
    "sha256": "Контрольная сумма (SHA-256)",
    "document_id": "Документ (код)",
    "reprint": "Повторная выдача",
    "amount_due": "К оплате",
    "pages": "Страниц",
    "rendered": "Отрисовано заново",
    "interim": "Предварительный",
    "payment_id": "Платёж (код)",
    # fiscal cheques
    "refund_id": "Заявление на возврат (код)",
    "attempt": "Попытка отправки",
    "fault": "Ошибка ККТ",
    "fd": "Номер ФД",
    "fn": "Номер ФН",
    "shift": "Смена ККТ",
    "approved_by": "Подтвердил (код сотрудника)",
    "rows": "Записей",
    "filter": "Отбор",
    "seed": "Начальное число",
    "today": "Текущая дата",
    "address": "Адрес e-mail",
    "smtp_code": "Код ответа почтового сервера",
    "sent": "Отправлено",
    "failed": "С ошибкой",
    "bounced": "Адрес не принят",
    "skipped": "Пропущено",
}

#: Detail values that are codes of an enum, by (the domain of the action, the key).
_DETAIL_CODES: dict[tuple[str, str], type[Enum]] = {
    ("staff", "role"): StaffRole,
    ("account", "bill_delivery"): BillDelivery,
    ("account_holder", "relation"): HolderRelation,
    ("account_holder", "proof"): BindingProof,
    ("reading", "source"): ReadingSource,
    ("reading", "status"): ReadingStatus,
    ("meter", "status"): MeterStatus,
    ("payment", "method"): PaymentMethod,
    ("refund", "reason"): RefundReason,
    ("refund", "payout"): RefundPayout,
    ("refund", "status"): RefundStatus,
    ("appeal", "kind"): AppealKind,
    ("appeal", "channel"): AppealChannel,
    ("appeal", "status"): AppealStatus,
    ("document", "kind"): DocumentKind,
    ("document", "status"): EmailStatus,
}
_PAYMENT_SOURCE_KEYS = {("payment", "source"), ("payments", "source")}
#: Detail values that are free codes of one place in the code, by (domain, key).
_DETAIL_WORDS: dict[tuple[str, str], dict[str, str]] = {
    ("staff", "reason"): {"unlock_failed": "Неудачные попытки разблокировки"},
    ("customer", "purpose"): {"lookup": "Поиск клиента", "registration": "Регистрация клиента"},
}


def detail_key(key: str) -> str:
    """The Russian name of a key of an audit event's before/after (the key itself if unknown)."""
    return AUDIT_DETAIL.get(key, key)


def detail_value(action: str, key: str, value: object) -> object:
    """A before/after value as a person reads it: «да»/«нет» for flags, Russian words for the
    codes of an enum or a payment source; anything else unchanged."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if not isinstance(value, str):
        return value
    domain = action.partition(".")[0]
    if (domain, key) in _PAYMENT_SOURCE_KEYS:
        return payment_source(value)
    words = _DETAIL_WORDS.get((domain, key))
    if words is not None:
        return words.get(value, value)
    kind = _DETAIL_CODES.get((domain, key))
    return value if kind is None else label_of(kind, value)
