"""«Заявление на возврат»: registering a refund application at the counter."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ValidationError
from console.services.core.formatting import date, date_time, money
from console.services.documents import refund_papers
from console.services.refunds import applications
from console.services.refunds.queries import RefundContext, RefundDetails
from console.services.vocabulary.labels import choices, payment_source
from console.views.common.context import ViewContext
from console.views.common.form_widgets import ErrorLabel, MoneyEdit, field_with_lines
from console.views.common.keyboard import default_button_per_page, enter_moves_to
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.printing.preview import PdfPreviewDialog


class RefundRegisterDialog(QDialog):
    """The clerk fills the application with the customer; the number is given on saving."""

    registered = Signal(object)  # RefundDetails

    def __init__(self, ctx: ViewContext, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.idempotency_key = uuid.uuid4().hex
        self.context: RefundContext | None = None
        self.details: RefundDetails | None = None
        self.setWindowTitle("Заявление на возврат переплаты")
        self.resize(720, 640)
        self.errors: dict[str, ErrorLabel] = {}
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._form_page())
        self.stack.addWidget(self._done_page())
        QVBoxLayout(self).addWidget(self.stack)
        default_button_per_page(self.stack, {0: self.submit, 1: self.print_button})
        self.guard = UnsavedGuard(self, self.has_input)
        self.cancel_button.clicked.connect(self.guard.cancel)
        fields = {
            "applicant": self.applicant, "passport": self.passport, "amount": self.amount,
            "reason": self.reason, "payments": self.payments, "recipient_name": self.recipient,
            "bic": self.bic, "settlement_account": self.settlement,
        }  # fmt: skip
        for name, field in fields.items():
            self.errors[name].clears_on_edit(field)
        # Enter goes down the form (it registered the application from the passport field,
        # before the payout was chosen); in the last field it is «Зарегистрировать».
        self.enter_order: list[QWidget] = [
            self.applicant, self.passport, self.amount, self.reason, self.payments, self.bank,
            self.cash, self.recipient, self.bic, self.settlement,
        ]  # fmt: skip
        for field in self.enter_order:
            enter_moves_to(field, functools.partial(self._after, field))
        run_op(
            ctx,
            self,
            lambda: applications.refund_context(ctx.db, account_id),
            self._loaded,
            lambda err: self.error.show_message(message_for(err)),
        )

    def _err(self, field: str) -> ErrorLabel:
        self.errors[field] = ErrorLabel(self)
        return self.errors[field]

    def _form_page(self) -> QWidget:
        page = QWidget(self)
        self.summary = QLabel("Загрузка…", page)
        self.summary.setWordWrap(True)
        self.applicant = QComboBox(page)
        self.passport = QLineEdit(page)
        self.passport.setObjectName("passportEdit")
        self.passport.setPlaceholderText("серия и номер: 7101 123456")
        self.passport.setMaxLength(12)
        self.amount = MoneyEdit(page)
        self.amount.setObjectName("amountEdit")
        self.amount.setMaximumWidth(200)
        self.reason = QComboBox(page)
        for code, text in choices(applications.RefundReason):
            self.reason.addItem(text, code)
        self.payments = QListWidget(page)
        self.payments.setMaximumHeight(110)
        self.bank = QRadioButton("Перевод на банковский счёт", page)
        self.cash = QRadioButton("Наличными в кассе офиса", page)
        self.bank.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.bank)
        group.addButton(self.cash)
        self.bank.toggled.connect(self._on_payout)
        payout = QHBoxLayout()
        payout.addWidget(self.bank)
        payout.addWidget(self.cash)
        payout.addStretch(1)
        self.recipient = QLineEdit(page)
        self.bic = QLineEdit(page)
        self.bic.setMaxLength(9)
        self.bic.setMaximumWidth(160)
        self.settlement = QLineEdit(page)
        self.settlement.setMaxLength(24)
        self.attachments = QListWidget(page)
        self.attachments.setMaximumHeight(70)
        add = QPushButton("Добавить скан…", page)
        add.setAutoDefault(False)
        add.clicked.connect(self._add_files)
        remove = QPushButton("Убрать", page)
        remove.setAutoDefault(False)
        remove.clicked.connect(lambda: self.attachments.takeItem(self.attachments.currentRow()))
        files = QHBoxLayout()
        files.addWidget(self.attachments, 1, Qt.AlignmentFlag.AlignTop)
        files_buttons = QVBoxLayout()
        files_buttons.addWidget(add)
        files_buttons.addWidget(remove)
        files_buttons.addStretch(1)
        files.addLayout(files_buttons)

        form = QFormLayout()
        rows = (
            ("Заявитель:", self.applicant, "applicant"),
            ("Паспорт заявителя:", self.passport, "passport"),
            ("Сумма возврата, ₽:", self.amount, "amount"),
            ("Причина:", self.reason, "reason"),
            ("Платежи:", self.payments, "payments"),
        )
        for title, widget, field in rows:
            form.addRow(title, field_with_lines(widget, self._err(field)))
        form.addRow("Способ возврата:", payout)
        for title, widget, field in (
            ("Получатель:", self.recipient, "recipient_name"),
            ("БИК банка:", self.bic, "bic"),
            ("Расчётный счёт:", self.settlement, "settlement_account"),
        ):
            form.addRow(title, field_with_lines(widget, self._err(field)))
        files_box = QVBoxLayout()
        files_box.addLayout(files)
        files_box.addWidget(self._err("attachments"))
        form.addRow("Сканы (PDF, JPEG, PNG):", files_box)
        self.error = ErrorLabel(page)
        self.submit = QPushButton("Зарегистрировать", page)
        self.submit.setDefault(True)
        self.submit.setEnabled(False)
        self.submit.clicked.connect(self.register)
        cancel = QPushButton("Отмена", page)
        cancel.setAutoDefault(False)
        self.cancel_button = cancel
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_title = QLabel(page)
        self.done_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.done_details = QLabel(page)
        self.done_details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = QPushButton("Печать заявления", page)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_application)
        close = QPushButton("Закрыть", page)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.done_title)
        layout.addWidget(self.done_details)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # --- behaviour ----------------------------------------------------------------------
    def _after(self, field: QWidget) -> QWidget | None:
        """The next field Enter goes to: enabled, and of the two payouts only the chosen one."""
        payouts = (self.bank, self.cash)
        chosen = self.bank if self.bank.isChecked() else self.cash
        for widget in self.enter_order[self.enter_order.index(field) + 1 :]:
            if not widget.isEnabled():
                continue
            if widget in payouts and (field in payouts or widget is not chosen):
                continue
            return widget
        return None

    def has_input(self) -> bool:
        """Something the clerk typed or ticked that closing the form would lose."""
        if self.stack.currentIndex() != 0:
            return False  # registered: nothing to lose
        typed = (self.passport, self.recipient, self.bic, self.settlement)
        checked = any(
            self.payments.item(i).checkState() == Qt.CheckState.Checked
            for i in range(self.payments.count())
        )
        return (
            any(field.text().strip() for field in typed)
            or self.amount.isModified() or checked or self.attachments.count() > 0
        )  # fmt: skip

    def _loaded(self, context: RefundContext) -> None:
        self.context = context
        self.summary.setText(
            ("Лицевой счёт <b>{0}</b>. Переплата: <b>{1}</b>; в других заявлениях: {2}; "
                "можно вернуть: <b>{3}</b>.").format(
                context.account_number, money(context.overpayment, currency=True),
                money(context.reserved, currency=True), money(context.available, currency=True),
            )
        )  # fmt: skip
        for person in context.applicants:
            self.applicant.addItem(
                f"{person.full_name} — {person.relation}, паспорт {person.passport_masked}",
                person.customer_id,
            )
        for p in context.payments:
            item = QListWidgetItem(
                f"{date_time(p.paid_at)} · {money(p.amount, currency=True)} · "
                f"{p.receipt_number or payment_source(p.source)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, p.payment_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.payments.addItem(item)
        self.amount.set_value(context.available)
        self.submit.setEnabled(context.available > 0)
        if context.available <= 0:
            self.error.show_message("На лицевом счёте нет переплаты — возвращать нечего.")
        self.passport.setFocus()

    def _on_payout(self, bank: bool) -> None:
        for widget in (self.recipient, self.bic, self.settlement):
            widget.setEnabled(bank)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Сканы документов", "", "Сканы (*.pdf *.jpg *.jpeg *.png)"
        )
        for path in paths:
            self.add_attachment(path)

    def add_attachment(self, path: str) -> None:
        item = QListWidgetItem(Path(path).name)
        item.setToolTip(path)
        item.setData(Qt.ItemDataRole.UserRole, path)
        self.attachments.addItem(item)

    def request(self) -> applications.RefundRequest:
        checked = tuple(
            int(self.payments.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.payments.count())
            if self.payments.item(i).checkState() == Qt.CheckState.Checked
        )
        try:
            amount = self.amount.value()
        except ValueError:
            message = "Сумма не распознана: например, 1 234,56."
            raise ValidationError(message, "amount") from None
        if amount is None:
            raise ValidationError("Укажите сумму возврата.", "amount")
        bank = self.bank.isChecked()
        payout = applications.RefundPayout
        return applications.RefundRequest(
            account_id=self.account_id, applicant_id=int(self.applicant.currentData() or 0),
            passport=self.passport.text(), amount=amount,
            reason=self.reason.currentData(),
            payout=payout.BANK_TRANSFER if bank else payout.CASH,
            payment_ids=checked,
            recipient_name=self.recipient.text() if bank else None,
            bic=self.bic.text() if bank else None,
            settlement_account=self.settlement.text() if bank else None,
        )  # fmt: skip

    def register(self) -> None:
        for label in (*self.errors.values(), self.error):
            label.clear_message()
        try:
            request = self.request()
        except ValidationError as err:
            self._failed(err)
            return
        paths = [
            str(self.attachments.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.attachments.count())
        ]
        settings, db, actor = self.ctx.settings, self.ctx.db, self.ctx.actor
        key = self.idempotency_key

        def work() -> RefundDetails:
            # Files are read on the worker thread, not while the window waits.
            files = tuple(
                applications.AttachmentFile(Path(p).name, Path(p).read_bytes()) for p in paths
            )
            return applications.register_refund(
                db, actor, dataclasses.replace(request, attachments=files),
                deadline_days=settings.refund_deadline_days,
                attachment_max_bytes=settings.attachment_max_bytes, idempotency_key=key,
            )  # fmt: skip

        self.submit.setEnabled(False)
        Operation(self, work).success(self._registered).failure(self._failed).changes_account(
            self.account_id
        ).run(self.ctx)

    def _failed(self, error: Exception) -> None:
        field = error.field if isinstance(error, ValidationError) else None
        self.errors.get(field if isinstance(field, str) else "", self.error).show_message(
            message_for(error)
        )
        self.submit.setEnabled(True)

    def _registered(self, details: RefundDetails) -> None:
        self.details = details
        s = details.summary
        self.done_title.setText("Заявление № {0} зарегистрировано".format(s.number))
        self.done_details.setText(
            "Сумма {0}. Срок рассмотрения и возврата — до {1}.".format(
                money(s.amount, currency=True), date(s.due_on)
            )
        )
        self.stack.setCurrentIndex(1)
        self.print_button.setFocus()
        self.registered.emit(details)

    def print_application(self) -> None:
        if self.details is None:
            return
        db, rid, number = self.ctx.db, self.details.summary.refund_id, self.details.summary.number
        actor = self.ctx.actor
        PdfPreviewDialog(
            self.ctx, "Заявление № {0}".format(number),
            lambda: refund_papers.application_pdf(db, actor, rid),
            f"заявление-{number}.pdf", self,
        ).open()  # fmt: skip
