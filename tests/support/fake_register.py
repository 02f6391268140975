"""TEMPORARY: an in-process cash register for the cash-desk tests, until the ККТ emulator
(tests/support/kkt_emulator.py, ATOL driver v10 JSON over HTTP) is merged; then these tests run
the real adapter against the emulator instead.

It implements the CashRegister Protocol faithfully: one shift with its totals, a journal of
cheques by idempotency key (a repeated key answers the first result, never a second cheque),
fiscal numbers counting up, and faults on demand (``fail_next``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from console.services.fiscal.device import (
    Cashier,
    Cheque,
    ChequeKind,
    DeviceStatus,
    FiscalAttributes,
    KktError,
    KktFault,
    ShiftState,
    ShiftTotals,
    Tender,
)

ZERO = Decimal("0.00")
MESSAGES = {
    KktFault.PAPER_OUT: "В кассовом аппарате закончилась бумага: вставьте новый рулон.",
    KktFault.UNREACHABLE: "Нет связи с кассовым аппаратом: проверьте, что он включён.",
    KktFault.SHIFT_EXPIRED: "Смена ККТ открыта больше 24 часов: закройте её (Z-отчёт).",
}


@dataclass
class FakeRegister:
    fn_number: str = "9999078900012345"
    shift_number: int = 1
    opened_at: dt.datetime | None = None
    totals: ShiftTotals | None = None
    journal: dict[str, FiscalAttributes] = field(default_factory=dict)
    cheques: list[Cheque] = field(default_factory=list)
    fail_next: KktFault | None = None
    next_fd: int = 1

    def __post_init__(self) -> None:
        self.opened_at = dt.datetime.now(dt.UTC)
        self.totals = ShiftTotals(self.shift_number, self.opened_at)

    @property
    def fiscal(self) -> bool:
        return True

    def _fault(self) -> None:
        if self.fail_next is not None:
            fault, self.fail_next = self.fail_next, None
            raise KktError(fault, MESSAGES.get(fault, "Кассовый аппарат отказал."))

    def _attributes(self) -> FiscalAttributes:
        fd, self.next_fd = self.next_fd, self.next_fd + 1
        return FiscalAttributes(
            fn_number=self.fn_number, fd_number=fd, fiscal_sign=f"{3000000000 + fd * 7919}",
            shift_number=self.shift_number, number_in_shift=fd,
            registered_at=dt.datetime.now(dt.UTC),
        )  # fmt: skip

    def status(self) -> DeviceStatus:
        return DeviceStatus(ShiftState.OPENED, self.shift_number, fn_number=self.fn_number)

    def open_shift(self, cashier: Cashier) -> FiscalAttributes:
        self._fault()
        return self._attributes()

    def close_shift(self, cashier: Cashier) -> ShiftTotals:
        self._fault()
        assert self.totals is not None
        closed = replace(self.totals, fiscal=self._attributes())
        self.shift_number += 1
        self.totals = ShiftTotals(self.shift_number, dt.datetime.now(dt.UTC))
        return closed

    def x_report(self) -> ShiftTotals:
        self._fault()
        assert self.totals is not None
        return self.totals

    def register(self, cheque: Cheque) -> FiscalAttributes:
        if cheque.key in self.journal:
            return self.journal[cheque.key]
        self._fault()
        made = self._attributes()
        self.journal[cheque.key] = made
        self.cheques.append(cheque)
        assert self.totals is not None
        t, total = self.totals, cheque.total
        cash = cheque.tender is Tender.CASH
        if cheque.kind is ChequeKind.SELL:
            self.totals = replace(
                t, sell_count=t.sell_count + 1,
                sell_cash=t.sell_cash + (total if cash else ZERO),
                sell_electronically=t.sell_electronically + (ZERO if cash else total),
            )  # fmt: skip
        else:
            self.totals = replace(
                t, return_count=t.return_count + 1,
                return_cash=t.return_cash + (total if cash else ZERO),
                return_electronically=t.return_electronically + (ZERO if cash else total),
            )  # fmt: skip
        return made

    def result_of(self, key: str) -> FiscalAttributes | None:
        self._fault()
        return self.journal.get(key)

    def correction(self, cheque: Cheque, reason: str) -> FiscalAttributes:
        return self.register(cheque)
