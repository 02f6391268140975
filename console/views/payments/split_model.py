"""The editable split of a payment over services (seed 000: обнулить, вернуть, заблокировать)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import money
from console.services.payments.counter import AccountDues, DueLine, split
from console.views.common.form_widgets import parse_money

_Index = QModelIndex | QPersistentModelIndex
COL_SERVICE, COL_RECIPIENT, COL_DUE, COL_AMOUNT, COL_LOCK = range(5)


class PaymentSplitModel(QAbstractTableModel):
    """Rows are services; «К оплате» is editable (typing fixes the row, the rest re-splits)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: tuple[DueLine, ...] = ()
        self._main: int | None = None
        self._fixed: dict[int, Decimal] = {}
        self._parts: dict[int, Decimal] = {}
        self.initial_total = Decimal("0.00")
        self.total = Decimal("0.00")
        self.error = ""
        self._headers = (
            "Услуга", "Получатель", "Задолженность",
            "К оплате", "Закреплено",
        )  # fmt: skip

    # --- state ------------------------------------------------------------------------------
    def load(self, dues: AccountDues) -> None:
        """Prefill with what is due; never below the supplier's minimum payment (seed 001)."""
        self.beginResetModel()
        self._lines = dues.lines
        self._main = dues.main_service_id
        self._fixed = {}
        self.initial_total = max(dues.total_due, dues.min_payment)
        self.total = self.initial_total
        self._resplit()
        self.endResetModel()
        self.changed.emit()

    def parts(self) -> dict[int, Decimal]:
        return dict(self._parts)

    def is_fixed(self, row: int) -> bool:
        return self._lines[row].service_id in self._fixed

    def set_total(self, total: Decimal) -> None:
        self.total = total
        self._update()

    def set_part(self, row: int, amount: Decimal) -> None:
        """The clerk typed an amount for one service: it stays, the others share the rest."""
        self._fixed[self._lines[row].service_id] = amount
        if all(line.service_id in self._fixed for line in self._lines):
            self.total = sum(self._fixed.values(), Decimal("0.00"))
        self._update()

    def zero(self, row: int) -> None:
        self.set_part(row, Decimal("0.00"))

    def reset(self, row: int) -> None:
        """Back to the automatic share."""
        self._fixed.pop(self._lines[row].service_id, None)
        self._update()

    def toggle_lock(self, row: int) -> None:
        sid = self._lines[row].service_id
        if sid in self._fixed:
            self._fixed.pop(sid)
        else:
            self._fixed[sid] = self._parts.get(sid, Decimal("0.00"))
        self._update()

    def reset_all(self) -> None:
        self._fixed = {}
        self.total = self.initial_total
        self._update()

    def _resplit(self) -> None:
        dues = {line.service_id: line.due for line in self._lines}
        try:
            self._parts = split(self.total, dues, self._fixed, self._main)
            self.error = ""
        except ValidationError as err:
            self.error = str(err)

    def _update(self) -> None:
        self._resplit()
        if self._lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, COL_LOCK))
        self.changed.emit()

    # --- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_AMOUNT:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == COL_LOCK:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        col = index.column()
        amount = self._parts.get(line.service_id, Decimal("0.00"))
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_SERVICE: line.service_name,
                COL_RECIPIENT: line.recipient,
                COL_DUE: money(line.due),
                COL_AMOUNT: money(amount),
                COL_LOCK: "да" if line.service_id in self._fixed else "",
            }.get(col)
        if role == Qt.ItemDataRole.EditRole and col == COL_AMOUNT:
            return money(amount)
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_LOCK:
            fixed = line.service_id in self._fixed
            return Qt.CheckState.Checked if fixed else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_DUE, COL_AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_AMOUNT:
            return "Введите сумму: она закрепится, остальное распределится заново"
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        if role == Qt.ItemDataRole.EditRole and index.column() == COL_AMOUNT:
            try:
                amount = parse_money(str(value))
            except ValueError:
                self.error = "Сумма по услуге не распознана: например, 1 234,56."
                self.changed.emit()
                return False
            self.set_part(index.row(), amount or Decimal("0.00"))
            return True
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == COL_LOCK:
            want = Qt.CheckState(value) == Qt.CheckState.Checked
            if want != self.is_fixed(index.row()):
                self.toggle_lock(index.row())
            return True
        return False
