"""The contract of a cash register (ККТ): what the console asks of it and what it answers.

One interface for every adapter (ATOL driver v10 JSON tasks, none). The console never talks to
a device except through it, so the exactly-once logic (a cheque per payment, asked for by an
idempotency key before it is ever sent again) lives above it and holds for every adapter.
Money is Decimal in roubles with kopecks; the adapter converts to the device's own units.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from console.services.core.errors import ConsoleError


class ChequeKind(enum.StrEnum):
    """Признак расчёта (tag 1054)."""

    SELL = "sell"  # приход
    SELL_RETURN = "sellReturn"  # возврат прихода


class PaymentMethodSign(enum.StrEnum):
    """Признак способа расчёта (tag 1214)."""

    FULL_PAYMENT = "fullPayment"  # полный расчёт
    CREDIT_PAYMENT = "creditPayment"  # оплата кредита (погашение долга)
    ADVANCE = "advance"  # аванс


class Vat(enum.StrEnum):
    """Ставка НДС (tag 1199) in ATOL's names."""

    NONE = "none"
    VAT0 = "vat0"
    VAT5 = "vat5"
    VAT7 = "vat7"
    VAT10 = "vat10"
    VAT20 = "vat20"
    VAT105 = "vat105"
    VAT107 = "vat107"
    VAT110 = "vat110"
    VAT120 = "vat120"


class Tender(enum.StrEnum):
    """How the customer paid (tags 1031 cash, 1081 electronically)."""

    CASH = "cash"
    ELECTRONICALLY = "electronically"


@dataclass(frozen=True)
class AgentInfo:
    """Agent data (tags 1222, 1224-1226): the retailer collects for another supplier."""

    supplier_name: str
    supplier_inn: str
    supplier_phones: tuple[str, ...] = ()
    agent_type: str = "payingAgent"  # банковский платёжный агент / платёжный агент


@dataclass(frozen=True)
class ChequeLine:
    """One position (предмет расчёта): a service and its sum."""

    name: str  # «Электроснабжение», «Техническое обслуживание ВДГО»
    amount: Decimal
    vat: Vat = Vat.NONE
    method: PaymentMethodSign = PaymentMethodSign.FULL_PAYMENT
    subject: str = "service"  # признак предмета расчёта (tag 1212): услуга
    agent: AgentInfo | None = None


@dataclass(frozen=True)
class Cashier:
    """Кассир (tags 1021, 1203)."""

    name: str
    inn: str = ""


@dataclass(frozen=True)
class Cheque:
    """A cheque to register. ``key`` is the idempotency key derived from the payment/refund:
    the device (or its server) must answer a repeated key with the first result, never a
    second cheque."""

    key: str
    kind: ChequeKind
    lines: tuple[ChequeLine, ...]
    tender: Tender
    cashier: Cashier
    customer_contact: str = ""  # e-mail or phone (tag 1008): the ОФД sends the copy there
    paid: Decimal | None = None  # what the customer handed over (≥ total for cash)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class FiscalAttributes:
    """What the fiscal drive stamped on a document; printed on the console's receipt."""

    fn_number: str  # заводской номер ФН (tag 1041)
    fd_number: int  # номер ФД (tag 1040)
    fiscal_sign: str  # ФПД (tag 1077)
    shift_number: int  # номер смены (tag 1038)
    number_in_shift: int  # номер чека за смену (tag 1042)
    registered_at: dt.datetime  # дата и время (tag 1012)
    registration_number: str = ""  # регистрационный номер ККТ (tag 1037)
    ofd_site: str = ""  # адрес сайта ФНС для проверки


@dataclass(frozen=True)
class ShiftTotals:
    """What the device counted in the open (or just closed) shift, for the cash day."""

    shift_number: int
    opened_at: dt.datetime | None
    sell_cash: Decimal = Decimal("0.00")
    sell_electronically: Decimal = Decimal("0.00")
    return_cash: Decimal = Decimal("0.00")
    return_electronically: Decimal = Decimal("0.00")
    sell_count: int = 0
    return_count: int = 0
    fiscal: FiscalAttributes | None = None  # the Z report's own attributes once closed


class ShiftState(enum.StrEnum):
    CLOSED = "closed"
    OPENED = "opened"
    EXPIRED = "expired"  # open longer than 24 hours: nothing can be registered until closed


@dataclass(frozen=True)
class DeviceStatus:
    shift: ShiftState
    shift_number: int
    paper_present: bool = True
    fn_number: str = ""
    fn_warnings: tuple[str, ...] = field(default=())  # Russian sentences (ФН near full…)


class KktFault(enum.StrEnum):
    """Why a cash register refused or could not be asked; each has a Russian text and advice."""

    UNREACHABLE = "unreachable"  # no connection: nothing was registered (or unknown: see below)
    TIMEOUT = "timeout"  # sent, no answer: the outcome is UNKNOWN until asked by key
    PAPER_OUT = "paper_out"
    SHIFT_EXPIRED = "shift_expired"
    SHIFT_CLOSED = "shift_closed"
    FN_FULL = "fn_full"
    FN_BLOCKED = "fn_blocked"
    REJECTED = "rejected"  # the device refused the task (bad data)
    BUSY = "busy"


class KktError(ConsoleError):
    """A cash register's refusal; ``str(err)`` is the Russian sentence with what to do.

    ``outcome_unknown`` is True when the task may have been registered (a timeout after
    sending): the caller must ask ``result_of(key)`` before sending the cheque again."""

    def __init__(
        self,
        fault: KktFault,
        message: str,
        *,
        outcome_unknown: bool = False,
        code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.fault = fault
        self.outcome_unknown = outcome_unknown
        #: The device's own error code (ATOL's libfptr10 number), when it gave one.
        self.code = code


class CashRegister(Protocol):
    """A ККТ. Every method may raise KktError; none raises anything else for device trouble."""

    @property
    def fiscal(self) -> bool:
        """False for the no-device mode: the console's receipt is then not a fiscal document."""
        ...

    def status(self) -> DeviceStatus: ...

    def open_shift(self, cashier: Cashier) -> FiscalAttributes: ...

    def close_shift(self, cashier: Cashier) -> ShiftTotals:
        """The Z report: the closed shift's totals and the report's fiscal attributes."""
        ...

    def x_report(self) -> ShiftTotals:
        """The open shift's totals without closing it."""
        ...

    def register(self, cheque: Cheque) -> FiscalAttributes:
        """Register (and print) a cheque; a repeated ``cheque.key`` returns the first result."""
        ...

    def result_of(self, key: str) -> FiscalAttributes | None:
        """What became of a cheque sent with ``key``: its attributes, or None if never made."""
        ...

    def correction(self, cheque: Cheque, reason: str) -> FiscalAttributes:
        """A correction cheque (чек коррекции) for a settlement made without a cheque."""
        ...
