"""No cash register: the embedded default and demo desks.

Nothing is registered; ``fiscal`` is False so the console's receipt says plainly that it is not
a fiscal document (кассовый чек). Asking for a shift or a report is a clear Russian refusal."""

from __future__ import annotations

from console.services.fiscal.device import (
    Cashier,
    Cheque,
    DeviceStatus,
    FiscalAttributes,
    KktError,
    KktFault,
    ShiftState,
    ShiftTotals,
)

NO_KKT = (
    "К этому рабочему месту не подключена касса (ККТ): кассовый чек не пробивается. "
    "Укажите адрес кассы в настройках (kkt_url)."
)


class NoCashRegister:
    """The no-device mode (fiscal=False)."""

    @property
    def fiscal(self) -> bool:
        return False

    def status(self) -> DeviceStatus:
        return DeviceStatus(shift=ShiftState.CLOSED, shift_number=0)

    def open_shift(self, cashier: Cashier) -> FiscalAttributes:
        raise KktError(KktFault.UNREACHABLE, NO_KKT)

    def close_shift(self, cashier: Cashier) -> ShiftTotals:
        raise KktError(KktFault.UNREACHABLE, NO_KKT)

    def x_report(self) -> ShiftTotals:
        raise KktError(KktFault.UNREACHABLE, NO_KKT)

    def register(self, cheque: Cheque) -> FiscalAttributes:
        raise KktError(KktFault.UNREACHABLE, NO_KKT)

    def result_of(self, key: str) -> FiscalAttributes | None:
        return None

    def correction(self, cheque: Cheque, reason: str) -> FiscalAttributes:
        raise KktError(KktFault.UNREACHABLE, NO_KKT)
