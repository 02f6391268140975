"""Сторно платежа (supervisor): pick a payment, give the reason; both rows stay in the history."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import money
from console.services.documents import receipt
from console.services.fiscal.factory import cash_register
from console.services.payments import counter
from console.services.payments.history import PaymentRow
from console.views.common.context import ViewContext
from console.views.common.form_widgets import ErrorLabel
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import message_for
from console.views.payments.history_model import PaymentHistoryModel
from console.views.printing.preview import PdfPreviewDialog


class PaymentReversalDialog(QDialog):
    """The account's payments; a supervisor reverses the selected one with a reason."""

    reversed = Signal(object)  # payments.PaymentResult of the reversal

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.setWindowTitle("Платежи лицевого счёта и сторно")
        self.resize(900, 480)
        self.model = PaymentHistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reasonEdit")
        self.reason.setMaxLength(300)
        self.reason.setPlaceholderText("Например: оплата внесена не на тот лицевой счёт")
        reason_label = QLabel("&Причина сторно:", self)
        reason_label.setBuddy(self.reason)
        self.reason_error = ErrorLabel(self)
        self.error = ErrorLabel(self)
        self.info = QLabel(self)
        self.info.setWordWrap(True)  # a long message wraps, never clipped
        self.reverse_button = QPushButton("Сторнировать", self)
        self.reverse_button.setEnabled(False)
        self.reverse_button.clicked.connect(self.reverse)
        self.receipt_button = QPushButton("Квитанция…", self)
        self.receipt_button.setAutoDefault(False)
        self.receipt_button.clicked.connect(self.show_receipt)
        close = QPushButton("Закрыть", self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        if not ctx.actor.is_supervisor:
            self.info.setText("Сторнировать платёж может только руководитель офиса.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.receipt_button)
        buttons.addWidget(self.reverse_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.reason_error)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        db, account_id = self.ctx.db, self.account_id
        run_op(
            self.ctx,
            self,
            lambda: counter.account_payments(db, account_id),
            self._loaded,
            lambda err: self.error.show_message(message_for(err)),
            key=f"payments-history-{id(self)}",
        )

    def _loaded(self, rows: tuple[PaymentRow, ...]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)

    def _selected(self) -> PaymentRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _on_current(self, *_args: object) -> None:
        row = self._selected()
        self.reverse_button.setEnabled(
            row is not None and row.can_reverse and self.ctx.actor.is_supervisor
        )
        # Bank registry payments have no receipt of ours; reversals print a reversal slip.
        self.receipt_button.setEnabled(
            row is not None and (row.receipt_number is not None or row.reversal_of_id is not None)
        )

    def reverse(self) -> None:
        row = self._selected()
        if row is None or not row.can_reverse:
            return
        self.reason_error.clear_message()
        self.error.clear_message()
        reason = self.reason.text()
        if not reason.strip():
            self.reason_error.show_message("Укажите причину сторно.")
            self.reason.setFocus()
            return
        self.reverse_button.setEnabled(False)
        db, actor, pid = self.ctx.db, self.ctx.actor, row.payment_id
        kkt = cash_register(self.ctx.settings)

        def work() -> tuple[counter.PaymentResult, str]:
            result = counter.reverse_payment(db, actor, pid, reason)
            # The «возврат прихода» of a payment that had a cheque: sent now; a device error
            # leaves it pending for the desk's retry (the reversal itself is committed).
            state = counter.register_cheque(db, kkt, actor, result)
            if state is None or state.registered:
                return result, ""
            return result, f"Чек возврата прихода не пробит: {state.error}"

        Operation(self, work).success(self._done).failure(self._failed).changes_account(
            self.account_id
        ).run(self.ctx)

    def _done(self, done: tuple[counter.PaymentResult, str]) -> None:
        result, cheque_error = done
        self.info.setText("Платёж сторнирован: {0}.".format(money(result.amount, currency=True)))
        if cheque_error:
            self.error.show_message(cheque_error)
        self.reason.clear()
        self.reversed.emit(result)
        self.reload()

    def _failed(self, error: Exception) -> None:
        on_reason = isinstance(error, ValidationError) and error.field == "reason"
        (self.reason_error if on_reason else self.error).show_message(message_for(error))
        self._on_current()

    def show_receipt(self) -> None:
        row = self._selected()
        if row is None:
            return
        db, actor, pid = self.ctx.db, self.ctx.actor, row.payment_id
        width = self.ctx.settings.receipt_width_mm
        PdfPreviewDialog(
            self.ctx, "Квитанция", lambda: receipt.receipt_pdf(db, actor, pid, width),
            f"квитанция-{row.receipt_number or pid}.pdf", self,
        ).open()  # fmt: skip
