"""Registering an appeal or a paid-service order; ends with the number shown big and a slip."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.services.appeals import intake
from console.services.appeals.intake import (
    AppealChannel,
    AppealDraft,
    AppealKind,
    AttachmentFile,
    FormData,
    Registered,
)
from console.services.core.errors import ValidationError
from console.services.core.formatting import date, money
from console.services.documents import appeal_papers
from console.services.vocabulary.labels import choices
from console.views.common.context import ViewContext
from console.views.common.form_widgets import clear_on_edit
from console.views.common.keyboard import enter_moves_to
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.printing.printer import print_pdf

ERROR_STYLE = "color: #b00020;"
FIELDS = (
    "kind",
    "channel",
    "topic",
    "paid_service",
    "disputes",
    "applicant_name",
    "phone",
    "email",
    "text",
    "attachments",
)


class AppealDialog(QDialog):
    """«Обращение»: prefilled from the account's holder, or blank for a prospective customer."""

    registered = Signal(object)  # Registered

    def __init__(
        self, ctx: ViewContext, account_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.idempotency_key = uuid.uuid4().hex  # a retried submit finds the first one
        self.result_number: Registered | None = None
        self.attachments: list[AttachmentFile] = []
        self.form: FormData | None = None
        self.slip_printer: Callable[[bytes, str], object] = lambda pdf, title: print_pdf(
            self, pdf, ctx.settings, title
        )
        self.setObjectName("AppealDialog")
        self.setWindowTitle("Обращение без лицевого счёта" if account_id is None else "Обращение")
        self.resize(640, 660)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._load()

    # --- construction -------------------------------------------------------------------
    def _field(self, form: QFormLayout, label: str, widget: QWidget, name: str) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        error = QLabel("", box)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        clear_on_edit(widget, error)  # the clerk fixed it: the old message goes
        self.errors[name] = error
        self.inputs[name] = widget
        form.addRow(label, box)
        self.rows[name] = box
        return box

    def _form_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.form_layout = form
        self.errors: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        self.inputs: dict[str, QWidget] = {}
        self.kind = QComboBox(page)
        for kind, text in choices(AppealKind):
            self.kind.addItem(text, kind)
        self.channel = QComboBox(page)
        for channel, text in choices(AppealChannel):
            self.channel.addItem(text, channel)
        self.topic = QComboBox(page)
        self.service = QComboBox(page)
        self.decision = QComboBox(page)
        self.applicant = QLineEdit(page)
        self.applicant.setPlaceholderText("Фамилия Имя Отчество")
        self.phone = QLineEdit(page)
        self.phone.setPlaceholderText("8 912 345-67-89")
        self.email = QLineEdit(page)
        self.email.setPlaceholderText("ivanov@mail.ru")
        self.text = QPlainTextEdit(page)
        self.text.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the form
        self.text.setPlaceholderText("Суть обращения со слов заявителя")
        self.files = QListWidget(page)
        self.files.setFixedHeight(56)
        add_file = QPushButton("Приложить файл…", page)
        add_file.clicked.connect(self._choose_files)
        remove_file = QPushButton("Убрать", page)
        remove_file.clicked.connect(self._remove_file)
        files_box = QWidget(page)
        files_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        files_row = QHBoxLayout(files_box)
        files_row.setContentsMargins(0, 0, 0, 0)
        files_row.addWidget(self.files, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(add_file)
        buttons.addWidget(remove_file)
        files_row.addLayout(buttons)

        self.account_label = QLabel("без лицевого счёта (будущий клиент)", page)

        self.account_label.setWordWrap(True)  # a long message wraps, never clipped
        self.account_label.setObjectName("accountLabel")
        form.addRow("Лицевой счёт:", self.account_label)
        self._field(form, "Вид:", self.kind, "kind")
        self._field(form, "Способ обращения:", self.channel, "channel")
        self._field(form, "Тема:", self.topic, "topic")
        self._field(form, "Услуга:", self.service, "paid_service")
        self._field(form, "Обжалуемое решение:", self.decision, "disputes")
        self._field(form, "Заявитель (ФИО):", self.applicant, "applicant_name")
        self._field(form, "Телефон:", self.phone, "phone")
        self._field(form, "E-mail:", self.email, "email")
        self._field(form, "Текст:", self.text, "text")
        self._field(form, "Вложения:", files_box, "attachments")
        self.deadline = QLabel("", page)
        self.deadline.setObjectName("deadlinePreview")
        form.addRow("Срок ответа:", self.deadline)
        self.general_error = QLabel("", page)
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        form.addRow(self.general_error)
        self.submit = QPushButton("Зарегистрировать (Ctrl+Enter)", page)
        self.submit.setObjectName("registerButton")
        self.submit.setEnabled(False)
        self.submit.clicked.connect(self.register)
        cancel = QPushButton("Отмена (Esc)", page)
        cancel.setObjectName("cancelButton")
        self.guard = UnsavedGuard(self, self.has_input)
        cancel.clicked.connect(self.guard.cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.submit)
        row.addWidget(cancel)
        form.addRow(row)
        # Enter goes down the form to the text (it registered the appeal from the applicant's
        # name, with no text yet); Ctrl+Enter registers, Enter in the text is a new line.
        self.enter_order: list[QWidget] = [
            self.kind, self.channel, self.topic, self.service, self.decision, self.applicant,
            self.phone, self.email, self.text,
        ]  # fmt: skip
        for field in self.enter_order[:-1]:
            enter_moves_to(field, functools.partial(self._after, field))
        self.submit.setAutoDefault(True)  # Enter on the focused button still registers
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), page, self.register)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.topic.currentIndexChanged.connect(self._update_deadline)
        self.service.currentIndexChanged.connect(self._update_deadline)
        self._show_row("paid_service", False)
        self._show_row("disputes", False)
        return page

    def _after(self, field: QWidget) -> QWidget | None:
        later = self.enter_order[self.enter_order.index(field) + 1 :]
        return next((w for w in later if w.isVisibleTo(self) and w.isEnabled()), None)

    def _show_row(self, name: str, visible: bool) -> None:
        self.form_layout.setRowVisible(self.rows[name], visible)

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.addStretch(1)
        caption = QLabel("Обращение зарегистрировано. Регистрационный номер:", page)
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label = QLabel("", page)
        self.number_label.setObjectName("numberLabel")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont(self.font())
        big.setPointSize(max(big.pointSize(), 10) * 3)
        big.setBold(True)
        self.number_label.setFont(big)
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_details = QLabel("", page)
        self.done_details.setObjectName("doneDetails")
        self.done_details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_details.setWordWrap(True)
        self.print_status = QLabel("", page)
        self.print_status.setObjectName("printStatus")
        self.print_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = QPushButton("Печать талона (F9)", page)
        self.print_button.setObjectName("printSlipButton")
        self.print_button.clicked.connect(self.print_slip)
        QShortcut(QKeySequence("F9"), page, self.print_slip)
        finish = QPushButton("Готово", page)
        finish.setObjectName("finishButton")
        finish.clicked.connect(self.accept)
        self.finish_button = finish
        for widget in (caption, self.number_label, self.done_details, self.print_status):
            column.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(finish)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        return page

    def has_input(self) -> bool:
        """Something the clerk typed that closing the form would lose (not the prefilled)."""
        if self.pages.currentIndex() != 0:
            return False
        edits = (self.applicant, self.phone, self.email)
        return (
            bool(self.text.toPlainText().strip()) or bool(self.attachments)
            or any(e.isModified() and e.text().strip() for e in edits)
        )  # fmt: skip

    # --- loading ------------------------------------------------------------------------
    def _load(self) -> None:
        account_id = self.account_id
        run_op(
            self.ctx,
            self,
            lambda: intake.form_data(self.ctx.db, account_id),
            self._loaded,
            lambda err: self._show_general(message_for(err)),
            key=f"appeal-form-{id(self)}",
        )

    def _loaded(self, data: FormData) -> None:
        self.form = data
        for topic in data.topics:
            self.topic.addItem(
                "{0} (срок {1} дн.)".format(topic.name, topic.deadline_days), topic.id
            )
        for service in data.services:
            price = money(service.price, currency=True)
            self.service.addItem(f"{service.name} — {price} / {service.unit}", service.id)
        self.decision.addItem("— нет, обычное обращение —", None)
        for decision in data.decisions:
            self.decision.addItem(decision.label, (decision.kind, decision.id))
        self._show_row("disputes", bool(data.decisions))
        if data.applicant is not None:
            a = data.applicant
            self.account_label.setText(f"{a.account_number} · {a.address} · {a.supplier_name}")
            self.applicant.setText(a.name)
            self.phone.setText(a.phone)
            self.email.setText(a.email)
        self.submit.setEnabled(True)
        self._update_deadline()
        if self.applicant.text():
            self.topic.setFocus()
        else:
            self.applicant.setFocus()

    def _kind_changed(self) -> None:
        is_order = AppealKind(self.kind.currentData()) is AppealKind.SERVICE_ORDER
        self._show_row("paid_service", is_order)
        self._update_deadline()

    def _update_deadline(self) -> None:
        if self.form is None:
            return
        topic = next((t for t in self.form.topics if t.id == self.topic.currentData()), None)
        if topic is None:
            self.deadline.setText("")
            return
        due = dt.date.today() + dt.timedelta(days=topic.deadline_days)
        self.deadline.setText("до {0} ({1} дн.)".format(date(due), topic.deadline_days))

    # --- attachments --------------------------------------------------------------------
    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Приложить файлы", "", "Сканы (*.pdf *.jpg *.jpeg *.png)"
        )
        for path in paths:
            self.add_attachment_file(Path(path))

    def add_attachment_file(self, path: Path) -> None:
        try:
            content = path.read_bytes()
        except OSError as err:
            self._show_error("attachments", "Файл не прочитан: {0}".format(err.strerror))
            return
        self.attachments.append(AttachmentFile(path.name, content))
        item = QListWidgetItem(f"{path.name} ({max(1, len(content) // 1024)} КБ)")
        self.files.addItem(item)
        self._clear_errors()

    def _remove_file(self) -> None:
        row = self.files.currentRow()
        if 0 <= row < len(self.attachments):
            del self.attachments[row]
            self.files.takeItem(row)

    # --- registering --------------------------------------------------------------------
    def draft(self) -> AppealDraft:
        decision = self.decision.currentData() if self.rows["disputes"].isVisibleTo(self) else None
        kind = AppealKind(self.kind.currentData())
        service = self.service.currentData() if kind == AppealKind.SERVICE_ORDER else None
        return AppealDraft(
            channel=AppealChannel(self.channel.currentData()),
            topic_id=self.topic.currentData(),
            applicant_name=self.applicant.text(),
            text=self.text.toPlainText(),
            phone=self.phone.text(),
            email=self.email.text(),
            account_id=self.account_id,
            kind=kind,
            paid_service_id=service,
            disputes_refund_id=decision[1] if decision and decision[0] == "refund" else None,
            disputes_charge_id=decision[1] if decision and decision[0] == "charge" else None,
            attachments=tuple(self.attachments),
            idempotency_key=self.idempotency_key,
        )

    def register(self) -> None:
        if self.pages.currentIndex() != 0 or not self.submit.isEnabled():
            return
        self._clear_errors()
        draft = self.draft()
        self.submit.setEnabled(False)
        self.submit.setText("Регистрация…")
        max_bytes = self.ctx.settings.attachment_max_bytes
        run_op(
            self.ctx,
            self,
            lambda: intake.register(
                self.ctx.db, self.ctx.actor, draft, max_attachment_bytes=max_bytes
            ),
            self._registered,
            self._failed,
        )

    def _registered(self, done: Registered) -> None:
        self.result_number = done
        self.number_label.setText(done.number)
        lines = ["Срок ответа: до {0}".format(date(done.due_on))]
        if done.assigned_to_name:
            lines.append("Передано руководителю: {0}".format(done.assigned_to_name))
        lines.append("Назовите номер заявителю и выдайте талон.")
        self.done_details.setText("\n".join(lines))
        self.pages.setCurrentIndex(1)
        self.print_button.setFocus()
        self.registered.emit(done)

    def _failed(self, err: Exception) -> None:
        self.submit.setEnabled(True)
        self.submit.setText("Зарегистрировать (Ctrl+Enter)")
        if isinstance(err, ValidationError) and err.field in self.errors:
            self._show_error(err.field, str(err))
        else:
            self._show_general(message_for(err))

    def _show_error(self, field: str, message: str) -> None:
        label = self.errors[field]
        label.setText(message)
        label.show()
        self.inputs[field].setFocus()

    def _show_general(self, message: str) -> None:
        self.general_error.setText(message)

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
            label.setText("")
        self.general_error.setText("")

    # --- the slip -------------------------------------------------------------------------
    def print_slip(self) -> None:
        done = self.result_number
        if done is None or self.pages.currentIndex() != 1:
            return
        self.print_status.setText("Готовится талон…")
        run_op(
            self.ctx,
            self,
            lambda: appeal_papers.slip_pdf(self.ctx.db, self.ctx.actor, done.id),
            lambda pdf: self._slip_ready(pdf, done.number),
            lambda err: self.print_status.setText(message_for(err)),
        )

    def _slip_ready(self, pdf: bytes, number: str) -> None:
        printed = self.slip_printer(pdf, "Талон {0}".format(number))
        self.print_status.setText("Талон отправлен на печать." if printed else "Печать отменена.")
        self.finish_button.setFocus()
