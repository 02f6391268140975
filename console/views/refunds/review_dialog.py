"""Reviewing a refund application: decide (supervisor, not the registrar), pay out, close, print."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import date, date_time, mask_passport, money
from console.services.documents import cash_order, refund_papers
from console.services.fiscal.factory import cash_register
from console.services.refunds import applications
from console.services.refunds.queries import (
    RefundDetails,
    attachment_content,
    get_refund,
)
from console.services.vocabulary.labels import label
from console.views.common.context import ViewContext
from console.views.common.form_widgets import ErrorLabel
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import message_for
from console.views.printing.preview import PdfPreviewDialog
from console.views.refunds.model import DUE_SOON, OVERDUE

S = applications.RefundStatus


class RefundReviewDialog(QDialog):
    """One application with its workflow buttons; each step re-reads it from the database."""

    changed = Signal(object)  # RefundDetails

    def __init__(self, ctx: ViewContext, refund_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refund_id = refund_id
        self.details: RefundDetails | None = None
        self.setWindowTitle("Заявление на возврат")
        self.resize(700, 640)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, title in (
            ("number", "Заявление №:"), ("status", "Статус:"),
            ("deadline", "Срок:"), ("registered", "Зарегистрировано:"),
            ("account", "Лицевой счёт:"), ("applicant", "Заявитель:"),
            ("amount", "Сумма:"), ("reason", "Причина:"),
            ("payout", "Способ возврата:"), ("decision", "Решение:"), ("paid", "Выплата:"),
        ):  # fmt: skip
            label = QLabel(self)
            label.setWordWrap(True)
            label.setObjectName(f"field_{key}")
            self.fields[key] = label
            form.addRow(title, label)
        self.payments = QListWidget(self)
        self.payments.setMaximumHeight(70)
        form.addRow("Платежи:", self.payments)
        self.attachments = QListWidget(self)
        self.attachments.setMaximumHeight(70)
        self.attachments.itemActivated.connect(lambda _item: self.open_attachment())
        form.addRow("Сканы:", self.attachments)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("decisionNote")
        self.note.setPlaceholderText("При отказе причина обязательна: её прочтёт заявитель")
        self.note.setMaximumHeight(70)
        self.note_error = ErrorLabel(self)
        # A transfer is marked paid with its payment order (номер и дата платёжного поручения).
        self.order_number = QLineEdit(self)
        self.order_number.setObjectName("orderNumber")
        self.order_number.setMaxLength(6)
        self.order_number.setPlaceholderText("до 6 цифр")
        self.order_date = QLineEdit(self)
        self.order_date.setObjectName("orderDate")
        self.order_date.setInputMask("99.99.9999;_")
        self.order_error = ErrorLabel(self)
        self.order_error.setObjectName("orderError")
        self.order_error.clears_on_edit(self.order_number, self.order_date)
        self.order_box = QWidget(self)
        order_row = QHBoxLayout(self.order_box)
        order_row.setContentsMargins(0, 0, 0, 0)
        order_row.addWidget(QLabel("Платёжное поручение №", self.order_box))
        order_row.addWidget(self.order_number)
        order_row.addWidget(QLabel("от", self.order_box))
        order_row.addWidget(self.order_date)
        order_row.addStretch(1)
        self.control = QLabel(self)
        self.control.setWordWrap(True)
        self.control.setStyleSheet("color: #8a6d00;")
        self.error = ErrorLabel(self)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for index, (key, title, slot) in enumerate((
            ("review", "Взять на рассмотрение", self.start_review),
            ("approve", "Одобрить", self.approve),
            ("reject", "Отклонить", self.reject_refund),
            ("paid", "Отметить выплату", self.mark_paid),
            ("close", "Закрыть заявление", self.close_refund),
            ("print_application", "Печать заявления", self.print_application),
            ("print_decision", "Печать решения", self.print_decision),
            ("print_cash_order", "Печать РКО (КО-2)", self.print_cash_order),
            ("dismiss", "Закрыть окно", self.accept),
        )):  # fmt: skip
            button = QPushButton(title, self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            grid.addWidget(button, index // 4, index % 4)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Причина отказа или примечание к решению:", self))
        layout.addWidget(self.note)
        layout.addWidget(self.note_error)
        layout.addWidget(self.order_box)
        layout.addWidget(self.order_error)
        layout.addWidget(self.control)
        layout.addWidget(self.error)
        layout.addLayout(grid)
        self._enable()
        self.reload()

    def reload(self) -> None:
        db, rid = self.ctx.db, self.refund_id
        run_op(
            self.ctx,
            self,
            lambda: get_refund(db, rid),
            self._show,
            self._failed,
            key=f"refund-{id(self)}",
        )

    def _show(self, d: RefundDetails) -> None:
        self.details = d
        s = d.summary
        f = self.fields
        f["number"].setText(f"<b>{s.number}</b>")
        f["status"].setText(label(s.status))
        deadline = date(s.due_on)
        if s.deadline == "overdue":
            deadline += " — просрочено на {0} дн.".format(-s.days_left)
        elif s.deadline == "due_soon":
            deadline += " — осталось {0} дн.".format(s.days_left)
        f["deadline"].setText(deadline)
        colour = {"overdue": OVERDUE, "due_soon": DUE_SOON}.get(s.deadline)
        f["deadline"].setStyleSheet(f"background: {colour.name()};" if colour else "")
        f["registered"].setText(f"{date_time(s.registered_at)}, {s.registered_by}, {d.office}")
        f["account"].setText(f"{s.account_number}, {d.address}")
        series, _, number = d.applicant_passport.partition(" ")
        f["applicant"].setText(
            "{0}, паспорт {1}".format(s.applicant, mask_passport(series, number))
        )
        f["amount"].setText(f"<b>{money(s.amount, currency=True)}</b>")
        f["reason"].setText(label(s.reason))
        payout = label(d.payout)
        if d.bic:
            payout += ": {0}, БИК {1}, р/с {2}".format(
                d.recipient_name, d.bic, d.settlement_account
            )
        f["payout"].setText(payout)
        decision = ""
        if d.decided_at is not None:
            decision = f"{date_time(d.decided_at)}, {d.reviewed_by or ''}"
            if d.decision_reason:
                decision += f": {d.decision_reason}"
        f["decision"].setText(decision or "—")
        f["paid"].setText(_payout_done(d))
        self.payments.clear()
        for _, receipt_no, at, amount in d.payments:
            line = f"{date_time(at)} · {money(amount, currency=True)} · {receipt_no}"
            self.payments.addItem(line)
        self.attachments.clear()
        for a in d.attachments:
            self.attachments.addItem(f"{a.filename} ({a.size // 1024 + 1} КБ)")
        self._enable()

    def _may_decide(self) -> bool:
        d = self.details
        return (
            d is not None
            and self._supervisor()
            and self.ctx.actor.staff_id != d.registered_by_staff_id
        )

    def _supervisor(self) -> bool:
        """Paying out, closing and deciding are a signed-in supervisor's (the service checks)."""
        return self.ctx.actor.is_supervisor and self.ctx.actor.staff_id is not None

    def _enable(self) -> None:
        d = self.details
        status = d.summary.status if d else None
        decide = self._may_decide() and status in (S.REGISTERED, S.UNDER_REVIEW)
        self.buttons["review"].setEnabled(self._may_decide() and status is S.REGISTERED)
        self.buttons["approve"].setEnabled(decide)
        self.buttons["reject"].setEnabled(decide)
        self.note.setEnabled(decide)
        self.buttons["paid"].setEnabled(self._supervisor() and status is S.APPROVED)
        by_bank = d is not None and d.payout is applications.RefundPayout.BANK_TRANSFER
        self.order_box.setVisible(by_bank and self._supervisor() and status is S.APPROVED)
        self.buttons["print_cash_order"].setEnabled(d is not None and bool(d.cash_order_number))
        self.buttons["close"].setEnabled(self._supervisor() and status in (S.PAID, S.REJECTED))
        self.buttons["print_application"].setEnabled(d is not None)
        self.buttons["dismiss"].setEnabled(True)
        self.buttons["print_decision"].setEnabled(status in (S.APPROVED, S.REJECTED, S.PAID,
                                                             S.CLOSED))  # fmt: skip
        text = ""
        if d is not None and status in (S.REGISTERED, S.UNDER_REVIEW):
            if self.ctx.actor.staff_id == d.registered_by_staff_id:
                text = (
                    "Вы зарегистрировали это заявление: решение по нему принимает другой "
                    "сотрудник (двойной контроль)."
                )
            elif not self.ctx.actor.is_supervisor:
                text = "Решение по заявлению принимает руководитель офиса."
        elif status in (S.APPROVED, S.PAID, S.REJECTED) and not self._supervisor():
            text = "Выплату и закрытие заявления отмечает руководитель офиса."
        self.control.setText(text)

    def _step(self, call: Callable[[], RefundDetails]) -> None:
        self.error.clear_message()
        self.note_error.clear_message()
        for button in self.buttons.values():
            button.setEnabled(False)
        op = Operation(self, call).success(self._stepped).failure(self._failed)
        if self.details is not None:
            op.changes_account(self.details.summary.account_id)
        op.run(self.ctx)

    def _stepped(self, d: RefundDetails) -> None:
        printed_before = self.details is not None and bool(self.details.cash_order_number)
        self.note.clear()
        self._show(d)
        self.changed.emit(d)
        if d.cash_order_number and not printed_before:
            self.print_cash_order()  # the cash leaves against the signed КО-2

    def _failed(self, error: Exception) -> None:
        field = getattr(error, "field", None)
        beside = {"reason": self.note_error, "order_number": self.order_error,
                  "order_date": self.order_error}  # fmt: skip
        beside.get(str(field), self.error).show_message(message_for(error))
        self._enable()

    def start_review(self) -> None:
        db, actor, rid = self.ctx.db, self.ctx.actor, self.refund_id
        self._step(lambda: applications.start_review(db, actor, rid))

    def approve(self) -> None:
        db, actor, rid, note = self.ctx.db, self.ctx.actor, self.refund_id, self.note.toPlainText()
        self._step(lambda: applications.approve(db, actor, rid, note))

    def reject_refund(self) -> None:
        db, actor, rid, note = self.ctx.db, self.ctx.actor, self.refund_id, self.note.toPlainText()
        self._step(lambda: applications.reject(db, actor, rid, note))

    def mark_paid(self) -> None:
        """In cash: the refund cheque on this desk's register and a КО-2, printed at once;
        by transfer: the payment order's number and date typed above."""
        db, actor, rid = self.ctx.db, self.ctx.actor, self.refund_id
        register = cash_register(self.ctx.settings)
        number = self.order_number.text()
        typed = self.order_date.text()
        day = typed if typed.replace(".", "").strip() else None
        self._step(lambda: applications.mark_paid(
            db, actor, rid, register=register, order_number=number, order_date=day))  # fmt: skip

    def print_cash_order(self) -> None:
        if self.details is None or not self.details.cash_order_number:
            return
        db, actor, rid = self.ctx.db, self.ctx.actor, self.refund_id
        number = self.details.cash_order_number
        self._preview(
            f"Расходный кассовый ордер № {number}",
            lambda: cash_order.cash_order_pdf(db, actor, rid),
            f"РКО-{number}.pdf",
        )

    def close_refund(self) -> None:
        db, actor, rid = self.ctx.db, self.ctx.actor, self.refund_id
        self._step(lambda: applications.close(db, actor, rid))

    def _preview(self, title: str, load: Callable[[], bytes], filename: str) -> None:
        PdfPreviewDialog(self.ctx, title, load, filename, self).open()

    def print_application(self) -> None:
        if self.details is None:
            return
        db, rid, number = self.ctx.db, self.refund_id, self.details.summary.number
        actor = self.ctx.actor
        self._preview(
            "Заявление № {0}".format(number),
            lambda: refund_papers.application_pdf(db, actor, rid),
            f"заявление-{number}.pdf",
        )

    def print_decision(self) -> None:
        if self.details is None:
            return
        db, rid, number = self.ctx.db, self.refund_id, self.details.summary.number
        self._preview(
            "Решение по заявлению № {0}".format(number),
            lambda: refund_papers.decision_pdf(db, rid),
            f"решение-{number}.pdf",
        )

    def open_attachment(self) -> None:
        row = self.attachments.currentRow()
        if self.details is None or not 0 <= row < len(self.details.attachments):
            return
        db, aid = self.ctx.db, self.details.attachments[row].attachment_id

        def opened(found: tuple[str, str, bytes]) -> None:
            name, _, content = found
            path = Path(tempfile.mkdtemp(prefix="scan-")) / name
            path.write_bytes(content)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        run_op(self.ctx, self, lambda: attachment_content(db, aid), opened, self._failed)


def _payout_done(d: RefundDetails) -> str:
    """How the money went back, once it did."""
    if d.paid_at is None:
        return "—"
    done = f"{date_time(d.paid_at)}, {d.paid_by or ''}"
    if d.cash_order_number:
        done += f": расходный кассовый ордер № {d.cash_order_number}"
        if d.cheque_fd_number is not None:
            done += f", чек возврата прихода ФД № {d.cheque_fd_number}"
    elif d.payment_order_number and d.payment_order_date:
        done += (f": платёжное поручение № {d.payment_order_number} "
                 f"от {date(d.payment_order_date)}")  # fmt: skip
    return done
