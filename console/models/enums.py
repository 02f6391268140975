"""Domain vocabularies stored as short English codes; the Russian words: services.core.labels."""

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


class EmailStatus(enum.StrEnum):
    """Where one e-mail of a document stands (email_deliveries.status)."""

    QUEUED = "queued"
    SENDING = "sending"  # handed to the SMTP server; "sent" once it accepted
    SENT = "sent"
    FAILED = "failed"  # temporary: retried at next_attempt_at
    BOUNCED = "bounced"  # the server refused the recipient for good


class EmailKind(enum.StrEnum):
    """Why a document was e-mailed: the monthly run (once per account and month) or a clerk."""

    MONTHLY = "monthly"
    MANUAL = "manual"


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


class CashDayStatus(enum.StrEnum):
    CLOSED = "closed"
    REOPENED = "reopened"


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


class FiscalChequeStatus(enum.StrEnum):
    """Where a payment's (or refund's) fiscal cheque stands in the cheque journal."""

    PENDING = "pending"  # recorded with the payment; not (yet known to be) registered
    REGISTERED = "registered"  # the ККТ stamped it: fiscal attributes stored, never changed
    FAILED = "failed"  # the ККТ refused its content: needs a person, not a retry


class AuditAction(enum.StrEnum):
    """What an audit event records. The values are the codes stored in ``audit_events.action``
    (the database functions of migrations 0005/0006 write some of them too): never rename one."""

    # Staff, sign-in and the trail itself
    STAFF_SIGN_IN = "staff.sign_in"
    STAFF_SIGN_IN_FAILED = "staff.sign_in_failed"
    STAFF_UNLOCK = "staff.unlock"
    STAFF_UNLOCK_FAILED = "staff.unlock_failed"
    STAFF_SIGN_OUT = "staff.sign_out"
    STAFF_CREATE = "staff.create"
    STAFF_DISABLE = "staff.disable"
    STAFF_SET_PASSWORD = "staff.set_password"
    SUPERVISOR_APPROVAL = "reading.supervisor_approval"
    SUPERVISOR_APPROVAL_FAILED = "reading.supervisor_approval_failed"
    AUDIT_EXPORT = "audit.export"
    # Customers, their personal data and accounts
    CUSTOMER_CREATE = "customer.create"
    CUSTOMER_UPDATE = "customer.update"
    CUSTOMER_PD_CONSENT = "customer.pd_consent"
    CUSTOMER_SET_IDENTITY = "customer.set_identity"
    CUSTOMER_REPLACE_PASSPORT = "customer.replace_passport"
    CUSTOMER_REVEAL_PASSPORT = "customer.reveal_passport"
    CUSTOMER_PRINT_IDENTITY = "customer.print_identity"
    CUSTOMER_SEARCH_PASSPORT = "customer.search_passport"
    CUSTOMER_PASSPORT_MISMATCH = "customer.passport_mismatch"
    CUSTOMER_SEARCH_PERSON = "customer.search_person"
    ACCOUNT_BILL_DELIVERY = "account.bill_delivery"
    ACCOUNT_HOLDER_BIND = "account_holder.bind"
    ACCOUNT_HOLDER_UNBIND = "account_holder.unbind"
    ACCOUNT_PROOF_PASSED = "account_holder.proof_passed"
    ACCOUNT_PROOF_FAILED = "account_holder.proof_failed"
    # Readings, meters and billing
    READING_ACCEPT = "reading.accept"
    READING_REJECT = "reading.reject"
    READING_SUPERSEDE = "reading.supersede"
    METER_REPLACE = "meter.replace"
    BILLING_CLOSE_PERIOD = "billing.close_period"
    # Payments and refunds
    PAYMENT_CREATE = "payment.create"
    PAYMENT_REVERSE = "payment.reverse"
    PAYMENTS_IMPORT = "payments.import"
    PAYMENT_LARGE_CONFIRMED = "payment.large_confirmed"
    FISCAL_CHEQUE_REGISTERED = "fiscal.cheque_registered"
    FISCAL_CHEQUE_ERROR = "fiscal.cheque_error"
    REFUND_REGISTER = "refund.register"
    REFUND_UNDER_REVIEW = "refund.under_review"
    REFUND_APPROVED = "refund.approved"
    REFUND_REJECTED = "refund.rejected"
    REFUND_PAID = "refund.paid"
    REFUND_CLOSED = "refund.closed"
    REFUND_CASH_ORDER = "refund.cash_order"
    CASH_DAY_CLOSE = "cash_day.close"
    CASH_DAY_REOPEN = "cash_day.reopen"
    # Appeals and their catalogues
    APPEAL_REGISTER = "appeal.register"
    APPEAL_ASSIGN = "appeal.assign"
    APPEAL_ANSWER = "appeal.answer"
    APPEAL_CLOSE = "appeal.close"
    APPEAL_REOPEN = "appeal.reopen"
    APPEAL_COMMENT = "appeal.comment"
    APPEAL_ATTACH = "appeal.attach"
    APPEAL_SLIP_PRINTED = "appeal.slip_printed"
    APPEAL_LETTER_ISSUED = "appeal.letter_issued"
    APPEAL_TOPIC_DEADLINE = "appeal_topic.deadline"
    PAID_SERVICE_ADD = "paid_service.add"
    PAID_SERVICE_EDIT = "paid_service.edit"
    PAID_SERVICE_ACTIVE = "paid_service.active"
    # Documents and demo data
    DOCUMENT_ISSUE = "document.issue"
    DOCUMENT_REPRINT = "document.reprint"
    DOCUMENT_BATCH_PRINT = "document.batch_print"
    DOCUMENT_EMAIL_SENT = "document.email_sent"
    DOCUMENT_EMAIL_FAILED = "document.email_failed"
    DOCUMENT_EMAIL_BOUNCED = "document.email_bounced"
    DOCUMENT_EMAIL_RUN = "document.email_run"
    ACCOUNT_PAPER_REFUSAL = "account.paper_refusal"
    DEMO_DATA_GENERATE = "demo_data.generate"

    @property
    def failed(self) -> AuditAction:
        """The failed attempt of a sign-in, an unlock or a supervisor's approval."""
        return AuditAction(f"{self.value}_failed")
