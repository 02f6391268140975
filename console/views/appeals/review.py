"""One appeal opened: its facts, the answer, the steps allowed to this person, the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.appeals import attachments, queries, workflow
from console.services.appeals.queries import AppealDetails, HistoryEntry
from console.services.appeals.workflow import Action, StaffChoice
from console.services.core.database import Database
from console.services.core.errors import ValidationError
from console.services.core.formatting import date, date_time, money
from console.services.documents import appeal_papers
from console.services.staff.actor import Actor
from console.views.appeals.model import HistoryModel
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.tasks import message_for
from console.views.printing.printer import print_pdf

ERROR_STYLE = "color: #b00020;"


@dataclass(frozen=True)
class _Loaded:
    details: AppealDetails
    history: tuple[HistoryEntry, ...]
    staff: tuple[StaffChoice, ...]


class AppealReview(QWidget):
    """«Обращение №…»: assign, answer, close, reopen, comment — as far as this person may."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, appeal_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.appeal_id = appeal_id
        self.details: AppealDetails | None = None
        self.allowed: frozenset[Action] = frozenset()
        self.letter_printer: Callable[[bytes, str], object] = lambda pdf, title: print_pdf(
            self, pdf, ctx.settings, title
        )
        self.setObjectName("AppealReview")
        self._build()
        self.reload()

    # --- construction -------------------------------------------------------------------
    def _error_label(self, name: str) -> QLabel:
        label = QLabel("", self)
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[name] = label
        return label

    def _build(self) -> None:
        self.errors: dict[str, QLabel] = {}
        self.title = QLabel("", self)
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel("", self)
        self.status.setObjectName("statusLabel")
        self.status.setStyleSheet(
            "border: 1px solid #557; border-radius: 4px; padding: 1px 6px; background: #eef;"
        )
        self.deadline = QLabel("", self)
        self.deadline.setObjectName("deadlineLabel")
        header = QHBoxLayout()
        header.setSpacing(12)
        for widget in (self.title, self.status, self.deadline):
            header.addWidget(widget)
        header.addStretch(1)

        self.facts = QFormLayout()
        self.fact_labels: dict[str, QLabel] = {}
        for key, caption in (
            ("kind", "Вид, тема"),
            ("applicant", "Заявитель"),
            ("contacts", "Контакты"),
            ("account", "Лицевой счёт"),
            ("registered", "Зарегистрировано"),
            ("assignee", "Исполнитель"),
            ("dispute", "Обжалуемое решение"),
            ("service", "Услуга"),
        ):
            label = QLabel("", self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.fact_labels[key] = label
            self.facts.addRow(caption + ":", label)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(90)
        self.files = QListWidget(self)
        self.files.setMaximumHeight(48)
        self.files.itemActivated.connect(self._save_attachment)

        work = QGroupBox("Работа с обращением", self)
        grid = QGridLayout(work)
        self.take_button = QPushButton("Взять в работу (F6)", work)
        self.take_button.clicked.connect(self.take)
        QShortcut(QKeySequence("F6"), self, self.take)
        self.assignee = QComboBox(work)
        self.assign_button = QPushButton("Назначить", work)
        self.assign_button.clicked.connect(self.assign)
        grid.addWidget(self.take_button, 0, 0)
        grid.addWidget(self.assignee, 0, 1)
        grid.addWidget(self.assign_button, 0, 2)
        grid.addWidget(self._error_label("assignee"), 1, 1, 1, 2)
        self.answer = QPlainTextEdit(work)
        self.answer.setTabChangesFocus(True)
        self.answer.setMaximumHeight(130)
        self.answer.setPlaceholderText("Текст ответа заявителю")
        grid.addWidget(QLabel("Ответ:", work), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.answer, 2, 1, 1, 2)
        grid.addWidget(self._error_label("answer"), 3, 1, 1, 2)
        self.answer_button = QPushButton("Сохранить ответ (Ctrl+S)", work)
        self.answer_button.clicked.connect(self.save_answer)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_answer)
        self.close_button = QPushButton("Закрыть обращение", work)
        self.close_button.clicked.connect(self.close_appeal)
        self.letter_button = QPushButton("Печать письма (F9)", work)
        self.letter_button.clicked.connect(self.print_letter)
        QShortcut(QKeySequence("F9"), self, self.print_letter)
        buttons = QHBoxLayout()
        for b in (self.answer_button, self.close_button, self.letter_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        grid.addLayout(buttons, 4, 1, 1, 2)
        self.reason = QLineEdit(work)
        self.reason.setPlaceholderText("Причина повторного открытия")
        self.reopen_button = QPushButton("Открыть повторно", work)
        self.reopen_button.clicked.connect(self.reopen)
        grid.addWidget(self.reason, 5, 1)
        grid.addWidget(self.reopen_button, 5, 2)
        grid.addWidget(self._error_label("reason"), 6, 1, 1, 2)
        self.comment = QLineEdit(work)
        self.comment.setPlaceholderText("Комментарий для истории (Enter — добавить)")
        self.comment.returnPressed.connect(self.add_comment)
        comment_button = QPushButton("Добавить комментарий", work)
        comment_button.clicked.connect(self.add_comment)
        grid.addWidget(self.comment, 7, 1)
        grid.addWidget(comment_button, 7, 2)
        grid.addWidget(self._error_label("comment"), 8, 1, 1, 2)
        self.general_error = QLabel("", self)
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)

        self.history_model = HistoryModel(self)
        self.history = QTableView(self)
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.history.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(self.facts)
        layout.addWidget(QLabel("Текст обращения:", self))
        layout.addWidget(self.text)
        self.files_caption = QLabel("Вложения (Enter — сохранить файл):", self)
        layout.addWidget(self.files_caption)
        layout.addWidget(self.files)
        layout.addWidget(work)
        layout.addWidget(self.general_error)
        layout.addWidget(QLabel("История:", self))
        layout.addWidget(self.history, 1)

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        db, appeal_id, boss = self.ctx.db, self.appeal_id, self.ctx.actor.is_supervisor

        def load() -> _Loaded:
            staff = workflow.assignable_staff(db, appeal_id) if boss else ()
            return _Loaded(queries.details(db, appeal_id), queries.history(db, appeal_id), staff)

        run_op(self.ctx, self, load, self._loaded, self._failed, key=f"appeal-{id(self)}")

    def _loaded(self, data: _Loaded) -> None:
        d = self.details = data.details
        self.allowed = workflow.allowed_actions(
            self.ctx.actor,
            d.status,
            d.assigned_to_staff_id,
            is_dispute=d.is_dispute,
            decided_by=d.decided_by_staff_id,
        )
        self.title.setText("{0} № {1}".format(d.kind_label, d.number))
        self.status.setText(d.status_label)
        due = "срок ответа до {0}".format(date(d.due_on))
        if d.overdue:
            due += " — просрочено"
            self.deadline.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        elif d.due_soon:
            self.deadline.setStyleSheet("color: #a05a00; font-weight: bold;")
        else:
            self.deadline.setStyleSheet("")
        self.deadline.setText(due)
        f = self.fact_labels
        f["kind"].setText(f"{d.kind_label} · {d.topic_name} · {d.channel_label}")
        f["applicant"].setText(d.applicant_name)
        f["contacts"].setText(", ".join(x for x in (d.phone, d.email) if x) or "—")
        f["account"].setText(d.account_number or "без лицевого счёта")
        f["registered"].setText(
            f"{date_time(d.registered_at)}, {d.registered_by_name}, {d.office_name}".strip(", ")
        )
        f["assignee"].setText(d.assigned_to_name or "не назначен")
        f["dispute"].setText(d.disputes_label or "—")
        service = f"{d.paid_service_name}, {money(d.price, currency=True)}" if d.price else "—"
        f["service"].setText(service)
        self.facts.setRowVisible(f["dispute"], bool(d.disputes_label))
        self.facts.setRowVisible(f["service"], d.price is not None)
        self.text.setPlainText(d.text)
        self.files.clear()
        for att in d.attachments:
            item = QListWidgetItem(f"{att.filename} ({max(1, att.size // 1024)} КБ)")
            item.setData(Qt.ItemDataRole.UserRole, att.id)
            self.files.addItem(item)
        self.files.setVisible(bool(d.attachments))
        self.files_caption.setVisible(bool(d.attachments))
        if not self.answer.toPlainText() or Action.ANSWER not in self.allowed:
            self.answer.setPlainText(d.answer_text)
        self.assignee.clear()
        self.assignee.addItem("— выберите сотрудника —", None)
        for s in data.staff:
            self.assignee.addItem(s.full_name, s.id)
        if d.assigned_to_staff_id is not None:
            self.assignee.setCurrentIndex(self.assignee.findData(d.assigned_to_staff_id))
        self.history_model.set_rows(data.history)
        self.history.resizeColumnsToContents()
        self._apply_permissions()

    def _apply_permissions(self) -> None:
        a = self.allowed
        self.take_button.setVisible(Action.TAKE in a)
        self.assignee.setVisible(Action.ASSIGN in a)
        self.assign_button.setVisible(Action.ASSIGN in a)
        self.answer.setReadOnly(Action.ANSWER not in a)
        self.answer_button.setVisible(Action.ANSWER in a)
        self.close_button.setVisible(Action.CLOSE in a)
        self.letter_button.setVisible(Action.PRINT_LETTER in a)
        self.reason.setVisible(Action.REOPEN in a)
        self.reopen_button.setVisible(Action.REOPEN in a)

    # --- steps --------------------------------------------------------------------------
    def _step(self, action: Action, fn: Callable[[], object], field: str | None = None) -> None:
        if action not in self.allowed or self.details is None:
            return
        self._clear_errors()
        run_op(self.ctx, self, fn, lambda _: self._written(field), self._failed)

    def _written(self, field: str | None) -> None:
        if field == "reason":
            self.reason.clear()
        if field == "comment":
            self.comment.clear()
        self.changed.emit()
        self.reload()

    def take(self) -> None:
        db, actor, appeal, v = self._args()
        self._step(Action.TAKE, lambda: workflow.take(db, actor, appeal, version=v))

    def assign(self) -> None:
        db, actor, appeal, v = self._args()
        staff_id = self.assignee.currentData()
        if staff_id is None:
            return
        self._step(Action.ASSIGN, lambda: workflow.assign(db, actor, appeal, staff_id, version=v))

    def save_answer(self) -> None:
        db, actor, appeal, v = self._args()
        text = self.answer.toPlainText()
        self._step(Action.ANSWER, lambda: workflow.answer(db, actor, appeal, text, version=v))

    def close_appeal(self) -> None:
        db, actor, appeal, v = self._args()
        self._step(Action.CLOSE, lambda: workflow.close(db, actor, appeal, version=v))

    def reopen(self) -> None:
        db, actor, appeal, v = self._args()
        reason = self.reason.text()
        self._step(
            Action.REOPEN,
            lambda: workflow.reopen(db, actor, appeal, reason, version=v),
            "reason",
        )

    def add_comment(self) -> None:
        db, actor, appeal, _ = self._args()
        text = self.comment.text()
        self._step(Action.COMMENT, lambda: workflow.comment(db, actor, appeal, text), "comment")

    def print_letter(self) -> None:
        if Action.PRINT_LETTER not in self.allowed or self.details is None:
            return
        db, actor, appeal, _ = self._args()
        number = self.details.number
        run_op(
            self.ctx,
            self,
            lambda: appeal_papers.answer_letter_pdf(db, actor, appeal),
            lambda pdf: self._letter_ready(pdf, number),
            self._failed,
        )

    def _letter_ready(self, pdf: bytes, number: str) -> None:
        self.letter_printer(pdf, "Ответ на обращение {0}".format(number))
        self.reload()  # «письмо выдано» is in the history now

    def _save_attachment(self, item: QListWidgetItem) -> None:
        att_id = item.data(Qt.ItemDataRole.UserRole)
        path, _ = QFileDialog.getSaveFileName(self, "Сохранить вложение", item.text())
        if path:
            run_op(
                self.ctx,
                self,
                lambda: attachments.content(self.ctx.db, att_id),
                lambda f: self._write_file(Path(path), f.content),
                self._failed,
            )

    def _write_file(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as err:
            self.general_error.setText("Файл не сохранён: {0}".format(err.strerror))

    def _args(self) -> tuple[Database, Actor, int, int | None]:
        version = self.details.version if self.details else None
        return self.ctx.db, self.ctx.actor, self.appeal_id, version

    def _failed(self, err: Exception) -> None:
        if isinstance(err, ValidationError) and err.field in self.errors:
            label = self.errors[err.field]
            label.setText(str(err))
            label.show()
        else:
            self.general_error.setText(message_for(err))

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.general_error.setText("")
