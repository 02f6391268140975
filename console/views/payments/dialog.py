"""F9 «Принять оплату»: dues per service, an editable split, cash or card, then the receipt."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import money
from console.services.documents import receipt
from console.services.fiscal.factory import cash_register
from console.services.fiscal.journal import ChequeState, send
from console.services.payments import counter
from console.views.common.context import ViewContext
from console.views.common.form_widgets import ErrorLabel, MoneyEdit, field_with_lines
from console.views.common.keyboard import default_button_per_page
from console.views.common.operations import Operation
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.payments.split_model import COL_RECIPIENT, PaymentSplitModel
from console.views.printing.preview import PdfPreviewDialog
from console.views.staff.supervisor_approval import SupervisorApprovalBox


class PaymentDialog(QDialog):
    """One payment at the counter. The idempotency key lives as long as the form does."""

    paid = Signal(object)  # payments.PaymentResult

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        parent: QWidget | None = None,
        *,
        amount_due: Decimal | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        #: What the customer owes with what was just added at the counter (the readings taken
        #: a minute ago are not charged yet): offered as the amount when it is more than the dues.
        self.amount_due = amount_due
        # Made once, when the form opens: every retry of this form is the same payment.
        self.idempotency_key = uuid.uuid4().hex
        self.payment_result: counter.PaymentResult | None = None
        self.cheque: ChequeState | None = None
        #: The clerk confirmed an implausibly large sum (asked with the sum in words).
        self.large_confirmed = False
        self.dues: counter.AccountDues | None = None
        self.setWindowTitle("Принять оплату")
        self.resize(780, 540)
        self.model = PaymentSplitModel(self)
        self.model.changed.connect(self._on_split_changed)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._form_page())
        self.stack.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        default_button_per_page(self.stack, {0: self.submit, 1: self.print_button})
        self.submit.setEnabled(False)
        Operation(self, lambda: counter.account_dues(ctx.db, account_id)).success(
            self._loaded
        ).failure(self._load_failed).run(ctx)

    # --- construction -------------------------------------------------------------------
    def _form_page(self) -> QWidget:
        page = QWidget(self)
        self.header = QLabel("Загрузка…", page)
        self.header.setWordWrap(True)
        self.header.setObjectName("paymentHeader")
        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(
            COL_RECIPIENT, QHeaderView.ResizeMode.Stretch
        )
        row_buttons = QHBoxLayout()
        for text, shortcut, slot in (
            ("Обнулить", "Ctrl+0", self.model.zero),
            ("Вернуть", "Ctrl+R", self.model.reset),
            ("Закрепить", "Ctrl+L", self.model.toggle_lock),
        ):
            button = QPushButton(f"{text} ({shortcut})", page)
            button.setAutoDefault(False)
            button.clicked.connect(partial(self._on_row, slot))
            QShortcut(QKeySequence(shortcut), self, partial(self._on_row, slot))
            row_buttons.addWidget(button)
        reset_all = QPushButton("Сбросить все", page)
        reset_all.setAutoDefault(False)
        reset_all.clicked.connect(self.model.reset_all)
        row_buttons.addWidget(reset_all)
        row_buttons.addStretch(1)

        self.total_edit = MoneyEdit(page)
        self.total_edit.setObjectName("totalEdit")
        self.total_edit.setMaximumWidth(220)
        self.total_edit.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.total_edit.textEdited.connect(self._on_total_edited)
        self.total_error = ErrorLabel(page)
        self.hint = QLabel(page)
        self.hint.setWordWrap(True)  # a long message wraps, never clipped
        self.hint.setObjectName("paymentHint")
        self.cash = QRadioButton("&Наличные", page)
        self.card = QRadioButton("Банковская &карта", page)
        self.cash.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.cash)
        group.addButton(self.card)
        self.cash.toggled.connect(self._on_method)
        methods = QHBoxLayout()
        methods.addWidget(self.cash)
        methods.addWidget(self.card)
        methods.addStretch(1)
        self.received_edit = MoneyEdit(page)
        self.received_edit.setObjectName("receivedEdit")
        self.received_edit.setMaximumWidth(220)
        self.received_edit.textEdited.connect(self._update_change)
        self.received_edit.editingFinished.connect(self._tidy_received)
        self.change_label = QLabel(page)
        self.change_label.setWordWrap(True)  # a long message wraps, never clipped
        self.change_label.setObjectName("changeLabel")
        self.cash_error = ErrorLabel(page)
        self.contact_edit = QLineEdit(page)
        self.contact_edit.setObjectName("contactEdit")
        self.contact_edit.setMinimumWidth(280)
        self.contact_edit.setMaximumWidth(320)
        self.contact_edit.setPlaceholderText("необязательно: e-mail или +7…")
        self.contact_edit.setToolTip(
            "Электронная копия кассового чека придёт покупателю от оператора фискальных данных."
        )
        self.contact_error = ErrorLabel(page)
        self.contact_edit.textEdited.connect(self._contact_edited)
        self.approval_box = SupervisorApprovalBox(self.ctx, page)
        self.approval_box.hide()
        self.confirm = QCheckBox("Итоговая сумма &верна", page)
        self.confirm.setObjectName("confirmCheck")
        self.confirm.toggled.connect(self._update_submit)
        self.confirm_error = ErrorLabel(page)
        self.error = ErrorLabel(page)
        self.submit = QPushButton("Принять оплату", page)
        self.submit.setDefault(True)
        self.submit.clicked.connect(self.take)
        cancel = QPushButton("Отмена", page)
        cancel.setAutoDefault(False)
        self.guard = UnsavedGuard(self, self.has_input)
        cancel.clicked.connect(self.guard.cancel)

        form = QFormLayout()
        total_label = QLabel("Итого к &оплате, ₽:", page)
        total_label.setBuddy(self.total_edit)
        received_label = QLabel("&Получено наличными, ₽:", page)
        received_label.setBuddy(self.received_edit)
        form.addRow(total_label, field_with_lines(self.total_edit, self.total_error, self.hint))
        form.addRow("Способ оплаты:", methods)
        form.addRow(received_label, field_with_lines(self.received_edit, self.cash_error))
        form.addRow("Сдача:", self.change_label)
        contact_label = QLabel("Чек на &e-mail или телефон:", page)
        contact_label.setBuddy(self.contact_edit)
        form.addRow(contact_label, field_with_lines(self.contact_edit, self.contact_error))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(page)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addLayout(form)
        layout.addWidget(self.approval_box)
        layout.addWidget(self.confirm)
        layout.addWidget(self.confirm_error)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_title = QLabel(page)
        self.done_title.setObjectName("doneTitle")
        self.done_title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.done_details = QLabel(page)
        self.done_details.setWordWrap(True)  # a long message wraps, never clipped
        self.done_details.setStyleSheet("font-size: 12pt;")
        self.cheque_label = QLabel(page)
        self.cheque_label.setObjectName("chequeLabel")
        self.cheque_label.setWordWrap(True)
        self.retry_button = QPushButton("Пробить чек ещё раз", page)
        self.retry_button.setObjectName("retryCheque")
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self.retry_cheque)
        self.retry_button.hide()
        self.print_button = QPushButton("Печать квитанции", page)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.show_receipt)
        close = QPushButton("Закрыть", page)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        for label in (self.done_title, self.done_details, self.cheque_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # --- loading and editing ------------------------------------------------------------
    def has_input(self) -> bool:
        """An amount or cash typed and the payment not taken yet."""
        if self.stack.currentIndex() != 0:
            return False
        return (
            self.total_edit.isModified()
            or bool(self.received_edit.text().strip())
            or bool(self.contact_edit.text().strip())
        )

    def _loaded(self, dues: counter.AccountDues) -> None:
        self.dues = dues
        state = "Задолженность" if dues.balance >= 0 else "Переплата"
        self.header.setText(
            "Лицевой счёт <b>{0}</b> · {1}<br/>{2}<br/>{3}: <b>{4}</b>".format(
                dues.account_number, dues.holder, dues.address, state,
                money(abs(dues.balance), currency=True),
            )
        )  # fmt: skip
        self.model.load(dues)
        if self.amount_due is not None and self.amount_due > self.model.total:
            self.model.set_total(self.amount_due)
        self.total_edit.set_value(self.model.total)
        self.table.selectRow(0)
        self.total_edit.setFocus()
        self.total_edit.selectAll()

    def _load_failed(self, error: Exception) -> None:
        self.header.setText(message_for(error))
        self.error.show_message(message_for(error))

    def _contact_edited(self, _text: str) -> None:
        self.contact_error.clear_message()

    def _on_row(self, action: Callable[[int], None], *_args: object) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            action(row)

    def _on_total_edited(self, _text: str) -> None:
        try:
            total = self.total_edit.value()
        except ValueError:
            self.total_error.show_message("Сумма не распознана: например, 1 234,56.")
            self._update_submit()
            return
        self.model.set_total(total or Decimal("0.00"))

    def _on_split_changed(self) -> None:
        # Any change of the amounts asks for the confirmation again.
        self.confirm.setChecked(False)
        self.large_confirmed = False
        self.confirm_error.clear_message()
        self.total_error.show_message(self.model.error or self._below_minimum())
        if not self.total_edit.hasFocus():
            self.total_edit.set_value(self.model.total)
        self._update_hint()
        self._update_change()

    def _below_minimum(self) -> str:
        if self.dues is None or self.model.total >= self.dues.min_payment:
            return ""
        return "Минимальная сумма платежа — {0}. Увеличьте сумму.".format(
            money(self.dues.min_payment, currency=True)
        )

    def _tidy_received(self) -> None:
        try:
            self.received_edit.set_value(self.received_edit.value())
        except ValueError:
            self.cash_error.show_message("Сумма не распознана: например, 1 000,00.")

    def _update_hint(self) -> None:
        if self.dues is None:
            return
        parts = ["Минимальный платёж не менее {0}".format(
            money(self.dues.min_payment, currency=True))]  # fmt: skip
        advance = self.model.total - self.dues.total_due
        if advance > 0:
            parts.append("аванс {0}".format(money(advance, currency=True)))
        self.hint.setText(" · ".join(parts))

    def _on_method(self, cash: bool) -> None:
        self.received_edit.setEnabled(cash)
        self.cash_error.clear_message()
        self._update_change()

    def _update_change(self, *_args: object) -> None:
        text = ""
        if self.cash.isChecked():
            try:
                received = self.received_edit.value()
            except ValueError:
                received = None
            if received is not None and received >= self.model.total:
                text = money(received - self.model.total, currency=True)
        self.change_label.setText(text)
        self._update_submit()

    def _update_submit(self, *_args: object) -> None:
        self.submit.setEnabled(
            self.dues is not None
            and self.confirm.isChecked()
            and not self.model.error
            and not self._below_minimum()
        )

    def is_ready(self) -> bool:
        """The dues have loaded: the form can be filled in."""
        return self.dues is not None

    # --- taking the payment ------------------------------------------------------------
    def form(self) -> counter.PaymentForm:
        received = self.received_edit.value() if self.cash.isChecked() else None
        return counter.PaymentForm(
            account_id=self.account_id, total=self.model.total, allocations=self.model.parts(),
            method=counter.PaymentMethod.CASH if self.cash.isChecked()
            else counter.PaymentMethod.CARD,
            cash_received=received, confirmed=self.confirm.isChecked(),
            customer_contact=self.contact_edit.text(), large_confirmed=self.large_confirmed,
            approval=self.approval_box.approval,
        )  # fmt: skip

    def take(self) -> None:
        if not self.submit.isEnabled():
            return
        for label in (self.error, self.cash_error, self.confirm_error, self.contact_error):
            label.clear_message()
        try:
            form = self.form()
        except ValueError:
            self.cash_error.show_message("Сумма не распознана: например, 1 000,00.")
            return
        self.submit.setEnabled(False)
        self.error.show_message("Оплата записывается…")
        key = self.idempotency_key
        db, actor, settings = self.ctx.db, self.ctx.actor, self.ctx.settings
        kkt = cash_register(settings)
        Operation(
            self, lambda: counter.take_payment_with_cheque(db, kkt, actor, form, key, settings)
        ).success(self._taken).failure(self._take_failed).changes_account(self.account_id).run(
            self.ctx
        )

    def _take_failed(self, error: Exception) -> None:
        self.error.clear_message()
        if isinstance(error, counter.LargePaymentError):
            self._ask_large(error)
            return
        labels = {"total": self.total_error, "allocation": self.total_error,
                  "cash_received": self.cash_error, "confirmed": self.confirm_error,
                  "customer_contact": self.contact_error}  # fmt: skip
        field = error.field if isinstance(error, ValidationError) else None
        labels.get(field if isinstance(field, str) else "", self.error).show_message(
            message_for(error)
        )
        self._update_submit()

    def _ask_large(self, error: counter.LargePaymentError) -> None:
        """An implausible sum: the clerk confirms it spelled out; above the hard ceiling a
        supervisor confirms too (the box below the form)."""
        if error.needs_supervisor and self.large_confirmed:
            self.approval_box.show()
            self.confirm_error.show_message(
                "Нужно подтверждение руководителя офиса: он вводит свой логин и пароль ниже, "
                "затем нажмите «Принять оплату» ещё раз."
            )
            self._update_submit()
            return
        answer = QMessageBox.question(
            self, "Проверьте сумму", str(error) + "\n\nПринять платёж на эту сумму?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            self.total_error.show_message("Сумма не подтверждена: исправьте её.")
            self._update_submit()
            return
        self.large_confirmed = True
        if error.needs_supervisor:
            self._ask_large(error)
            return
        self._update_submit()
        self.take()

    def _taken(self, taken: counter.TakenPayment) -> None:
        result = taken.payment
        self.payment_result = result
        self.done_title.setText("Оплата принята")
        lines = [
            "Квитанция № {0}".format(result.receipt_number or "—"),
            "Сумма: {0}".format(money(result.amount, currency=True)),
        ]
        if result.change is not None:
            lines.append("Сдача: {0}".format(money(result.change, currency=True)))
        if result.replayed:
            lines.append("Этот платёж уже был записан — повторно не проведён.")
        self.done_details.setText("<br/>".join(lines))
        self._show_cheque(taken.cheque)
        self.stack.setCurrentIndex(1)
        self.print_button.setFocus()
        self.paid.emit(result)

    def _show_cheque(self, cheque: ChequeState | None) -> None:
        """What the ККТ said, next to the actions: the cheque's numbers, or the error and what
        to do (the payment itself is already recorded)."""
        self.cheque = cheque
        if cheque is None:
            self.cheque_label.setStyleSheet("color: #555; font-size: 11pt;")
            self.cheque_label.setText("Касса (ККТ) не подключена: кассовый чек не пробивается.")
            self.retry_button.hide()
        elif cheque.registered and cheque.fiscal is not None:
            f = cheque.fiscal
            self.cheque_label.setStyleSheet("color: #1b5e20; font-size: 11pt;")
            self.cheque_label.setText(
                "Кассовый чек пробит: ФД № {0}, ФПД {1}, смена {2}.".format(
                    f.fd_number, f.fiscal_sign, f.shift_number
                )
            )
            self.retry_button.hide()
        else:
            self.cheque_label.setStyleSheet("color: #b00020; font-weight: bold; font-size: 11pt;")
            self.cheque_label.setText(
                "Чек не пробит. {0}".format(cheque.error or "Чек ожидает регистрации в ККТ.")
            )
            self.retry_button.show()
            self.retry_button.setEnabled(True)

    def retry_cheque(self) -> None:
        if self.cheque is None or self.cheque.registered:
            return
        cheque_id = self.cheque.cheque_id
        db, actor, kkt = self.ctx.db, self.ctx.actor, cash_register(self.ctx.settings)
        self.retry_button.setEnabled(False)
        self.cheque_label.setText("Отправка чека в кассу…")
        Operation(self, lambda: send(db, kkt, actor, cheque_id)).success(self._show_cheque).failure(
            lambda error: self.cheque_label.setText(message_for(error))
        ).changes_account(self.account_id).run(self.ctx)

    def show_receipt(self) -> None:
        if self.payment_result is None:
            return
        pid, width = self.payment_result.payment_id, self.ctx.settings.receipt_width_mm
        db, actor = self.ctx.db, self.ctx.actor
        number = self.payment_result.receipt_number or str(pid)
        PdfPreviewDialog(
            self.ctx, "Квитанция № {0}".format(number),
            lambda: receipt.receipt_pdf(db, actor, pid, width), f"квитанция-{number}.pdf", self,
        ).open()  # fmt: skip
