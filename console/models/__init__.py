"""The shared database's tables (SQLAlchemy 2.x typed ORM). No Qt, no services here."""

from console.models.accounts import Account
from console.models.appeals import Appeal, AppealTopic, NumberSequence, PaidService
from console.models.audit import AuditEvent
from console.models.base import Base
from console.models.billing import AccountStatement, BillingPeriod, Charge, LedgerEntry
from console.models.cashdesk import CashDay
from console.models.customers import (
    AccountHolder,
    ConsoleSecret,
    Customer,
    CustomerIdentity,
    PassportRecord,
)
from console.models.documents import IssuedDocument, IssuedDocumentPage
from console.models.fiscal import FiscalCheque
from console.models.mail import EmailDelivery, PaperRefusal
from console.models.metering import Meter, Reading
from console.models.organisation import Office, Region, Service, Staff, Supplier
from console.models.payments import Payment, PaymentAllocation
from console.models.premises import Premise
from console.models.refunds import Attachment, RefundApplication, RefundApplicationPayment
from console.models.tariffs import ConsumptionNorm, Tariff

__all__ = [
    "Account",
    "AccountHolder",
    "AccountStatement",
    "Appeal",
    "AppealTopic",
    "Attachment",
    "AuditEvent",
    "Base",
    "CashDay",
    "BillingPeriod",
    "Charge",
    "ConsoleSecret",
    "ConsumptionNorm",
    "Customer",
    "FiscalCheque",
    "CustomerIdentity",
    "EmailDelivery",
    "IssuedDocument",
    "IssuedDocumentPage",
    "LedgerEntry",
    "Meter",
    "NumberSequence",
    "Office",
    "PaidService",
    "PaperRefusal",
    "PassportRecord",
    "Payment",
    "PaymentAllocation",
    "Premise",
    "Reading",
    "RefundApplication",
    "RefundApplicationPayment",
    "Region",
    "Service",
    "Staff",
    "Supplier",
    "Tariff",
]
