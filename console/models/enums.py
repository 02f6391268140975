"""Domain vocabularies stored as short English codes; Russian labels live in services.labels."""

from __future__ import annotations

import enum


class StaffRole(enum.StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class StoveType(enum.StrEnum):
    GAS = "gas"
    ELECTRIC = "electric"


class SettlementKind(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class ConsumptionCategory(enum.StrEnum):
    """Категория потребления: decides the tariff (город/село, газовая или электроплита)."""

    URBAN_GAS_STOVE = "urban_gas_stove"
    URBAN_ELECTRIC_STOVE = "urban_electric_stove"
    RURAL = "rural"


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class BillDelivery(enum.StrEnum):
    PAPER = "paper"
    EMAIL = "email"


class HolderRelation(enum.StrEnum):
    """Отношение к лицевому счёту (seed 004)."""

    OWNER = "owner"
    TENANT = "tenant"
    REGISTERED = "registered"
    RESIDENT = "resident"
    OTHER = "other"


class BindingProof(enum.StrEnum):
    """How the customer proved a link to the account when it was bound."""

    HOLDER_NAME = "holder_name"
    BILL_TOTAL = "bill_total"
    METER_SERIAL = "meter_serial"
    DOCUMENT = "document"


class MeterKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COMMON_HOUSE = "common_house"


class MeterStatus(enum.StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class ReadingSource(enum.StrEnum):
    OFFICE = "office"
    PHONE = "phone"
    INSPECTOR = "inspector"
    WEB = "web"
    IMPORT = "import"
    REPLACEMENT = "replacement"


class ReadingStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class VolumeMethod(enum.StrEnum):
    """How a charge's volume was determined (по прибору учёта / по среднему / по нормативу)."""

    METER = "meter"
    AVERAGE = "average"
    NORM = "norm"


class PeriodStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class LedgerKind(enum.StrEnum):
    """Kinds of money movement. Positive amounts raise the debt, negative ones lower it."""

    OPENING = "opening"
    CHARGE = "charge"
    RECALCULATION = "recalculation"
    PAYMENT = "payment"
    PAYMENT_REVERSAL = "payment_reversal"
    REFUND = "refund"
    CORRECTION = "correction"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK = "bank"


class RefundReason(enum.StrEnum):
    OVERPAYMENT = "overpayment"
    WRONG_PAYMENT = "wrong_payment"
    DOUBLE_PAYMENT = "double_payment"
    ACCOUNT_CLOSED = "account_closed"


class RefundPayout(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"


class RefundStatus(enum.StrEnum):
    REGISTERED = "registered"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    CLOSED = "closed"


class AppealChannel(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"


class AppealKind(enum.StrEnum):
    APPEAL = "appeal"
    SERVICE_ORDER = "service_order"


class AppealStatus(enum.StrEnum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


class DocumentKind(enum.StrEnum):
    PAYMENT_DOCUMENT = "payment_document"
    PAYMENT_RECEIPT = "payment_receipt"
    REGISTRATION_FORM = "registration_form"
    REFUND_APPLICATION = "refund_application"
    REFUND_DECISION = "refund_decision"
    APPEAL_SLIP = "appeal_slip"
    APPEAL_ANSWER = "appeal_answer"
