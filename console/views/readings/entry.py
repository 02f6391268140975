"""Ввод показаний: entry with live figures, a confirmation step, then «Показания приняты»."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.core.errors import ConflictError, FieldRef, ZoneField
from console.services.core.formatting import date, date_time, money, plain
from console.services.readings.checks import (
    CLERK_SOURCES,
    MeterState,
    ReadingCheck,
    estimate,
)
from console.services.readings.entry import (
    AccountReadingState,
    ReadingForm,
    SubmitResult,
    ZoneEntry,
    reading_state,
    submit_readings,
)
from console.services.vocabulary.labels import label
from console.views.common.context import ViewContext
from console.views.common.keyboard import enter_moves_to
from console.views.common.operations import Operation, run_op
from console.views.common.tasks import message_for
from console.views.common.unsaved import UnsavedGuard
from console.views.documents.plugin import DOCUMENT_SHORTCUT, open_document
from console.views.payments.dialog import PaymentDialog
from console.views.readings.confirmation_block import ConfirmationBlock
from console.views.readings.rows import ERROR_STYLE, WARNING_STYLE, ZoneRow

ROW_HEIGHT = 24
ZERO = Decimal("0.00")


def fixed_table(parent: QWidget, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.horizontalHeader().setStretchLastSection(False)
    table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if c >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    frame = table.frameWidth() * 2
    table.setFixedHeight(header.height() + ROW_HEIGHT * len(rows) + frame)
    table.setFixedWidth(header.length() + frame)


class ReadingEntryDialog(QDialog):
    """A dialog per account: every meter and zone, the date taken and the source."""

    submitted = Signal(object)  # SubmitResult

    def __init__(
        self,
        ctx: ViewContext,
        account_id: int,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.today = today or dt.date.today()
        self.key = uuid.uuid4().hex  # one per opened form: a retry finds the first result
        self.state: AccountReadingState | None = None
        self.rows: list[ZoneRow] = []
        self.outcome: SubmitResult | None = None
        self._banner_about_fields = False
        self.setObjectName("ReadingEntryDialog")
        self.setWindowTitle("Ввод показаний")
        self.setMinimumWidth(900)  # a zone row with «Переход через ноль» and its message
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages)
        self._build_entry_page()
        self._build_confirm_page()
        self._build_done_page()
        self.load()

    # --- pages ------------------------------------------------------------------------------
    def _build_entry_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.header = QLabel("Загрузка…", page)
        self.header.setWordWrap(True)  # a long message wraps, never clipped
        self.header.setObjectName("header")
        self.period_note = QLabel(page)
        self.period_note.setObjectName("periodNote")
        self.period_note.setWordWrap(True)
        layout.addWidget(self.header)
        layout.addWidget(self.period_note)
        self.meters_box = QWidget(page)
        self.meters_layout = QVBoxLayout(self.meters_box)
        self.meters_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.meters_box)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.taken_on = QDateEdit(page)
        self.taken_on.setObjectName("takenOn")
        self.taken_on.setDisplayFormat("dd.MM.yyyy")
        self.taken_on.setCalendarPopup(True)
        self.taken_on.setDate(QDate(self.today.year, self.today.month, self.today.day))
        self.taken_on.dateChanged.connect(self._recheck)
        self.date_message = QLabel(page)
        self.date_message.setWordWrap(True)  # a long message wraps, never clipped
        self.date_message.setObjectName("dateMessage")
        self.date_message.setStyleSheet(ERROR_STYLE)
        self.date_message.setVisible(False)
        self.source = QComboBox(page)
        self.source.setObjectName("source")
        for source in CLERK_SOURCES:
            self.source.addItem(label(source), source)
        form.addRow("Дата снятия:", self.taken_on)
        form.addRow("", self.date_message)
        form.addRow("Источник:", self.source)
        layout.addLayout(form)
        self.totals = QLabel(page)
        self.totals.setObjectName("totals")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.next_button = QPushButton("Далее", page)
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(self.to_confirmation)
        cancel = QPushButton("Отмена", page)
        cancel.setObjectName("cancelButton")
        self.guard = UnsavedGuard(self, self.has_input)
        cancel.clicked.connect(self.guard.cancel)
        buttons.addWidget(self.next_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.pages.addWidget(page)

    def _build_confirm_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        title = QLabel("Проверьте показания вместе с клиентом", page)
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        self.confirm_table = fixed_table(
            page,
            ["Счётчик", "Зона", "Показание", "Расход, кВт·ч",
             "Сумма"],
        )  # fmt: skip
        self.confirm_table.setObjectName("confirmTable")
        layout.addWidget(self.confirm_table)
        self.confirm_details = QLabel(page)
        self.confirm_details.setObjectName("confirmDetails")
        self.confirm_details.setWordWrap(True)
        layout.addWidget(self.confirm_details)
        self.confirmation = ConfirmationBlock(
            self.ctx, "Показания сверены с клиентом", page, hide_empty_warnings=True
        )
        self.confirmation.confirm_button.clicked.connect(self.submit)
        self.confirmation.back_button.clicked.connect(self.back_to_entry)
        layout.addWidget(self.confirmation, 1)
        self.pages.addWidget(page)

    def _build_done_page(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.done_title = QLabel("Показания приняты", page)
        self.done_title.setObjectName("doneTitle")
        self.done_title.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1b5e20;")
        layout.addWidget(self.done_title)
        self.done_details = QLabel(page)
        self.done_details.setObjectName("doneDetails")
        self.done_details.setWordWrap(True)
        layout.addWidget(self.done_details)
        self.done_table = fixed_table(
            page, ["Счётчик", "Зона", "Показание",
                   "Расход, кВт·ч", "Сумма"],
        )  # fmt: skip
        layout.addWidget(self.done_table)
        layout.addStretch(1)
        # The counter visit goes on: the payment (F9, as on the card) and the month's document.
        self.pay_button = QPushButton("Принять оплату (F9)", page)
        self.pay_button.setObjectName("payButton")
        self.pay_button.setAutoDefault(False)
        self.pay_button.clicked.connect(self.take_payment)
        QShortcut(QKeySequence("F9"), page, self.take_payment)
        self.document_button = QPushButton("Платёжный документ (Ctrl+P)", page)
        self.document_button.setObjectName("documentButton")
        self.document_button.setAutoDefault(False)
        self.document_button.clicked.connect(self.payment_document)
        QShortcut(QKeySequence(DOCUMENT_SHORTCUT), page, self.payment_document)
        close = QPushButton("Закрыть", page)
        close.setObjectName("closeButton")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.pay_button)
        row.addWidget(self.document_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.close_button = close
        self.pages.addWidget(page)

    def has_input(self) -> bool:
        """Readings typed and not stored yet (closing would lose them)."""
        return self.pages.currentIndex() != 2 and any(not r.is_empty() for r in self.rows)

    @property
    def account_number(self) -> str:
        return self.state.account_number if self.state is not None else ""

    def take_payment(self) -> QDialog | None:
        """«Принять оплату» right after the readings: the dues are loaded afresh, with them."""
        if self.pages.currentIndex() != 2:
            return None
        dialog = PaymentDialog(self.ctx, self.account_id, self, amount_due=self.amount_due())
        dialog.open()
        return dialog

    def amount_due(self) -> Decimal | None:
        """The balance before plus the readings just accepted (≈, at the current tariff)."""
        if self.outcome is None or self.state is None:
            return None
        return estimate(self.outcome.readings, self.state.balance).amount_due

    def payment_document(self) -> QDialog | None:
        """The month's payment document (month picker, then the preview)."""
        if self.pages.currentIndex() != 2:
            return None
        return open_document(self, prefer_interim=True)

    # --- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        ctx, account_id, today = self.ctx, self.account_id, self.today
        run_op(
            self.ctx,
            self,
            lambda: reading_state(ctx.db, account_id, today=today, settings=ctx.settings),
            self._loaded,
            self._show_banner,
            key=f"reading-state-{account_id}",
        )

    def is_ready(self) -> bool:
        return self.state is not None

    def _loaded(self, state: AccountReadingState) -> None:
        typed = {row.key: row.text for row in self.rows}
        self.state = state
        self.setWindowTitle("Ввод показаний — ЛС {0}".format(state.account_number))
        self.header.setText(
            "Лицевой счёт {0}. Состояние счёта: {1}".format(
                state.account_number, money(state.balance, currency=True)
            )
        )
        self.period_note.setText(state.period.note)
        self.period_note.setStyleSheet(WARNING_STYLE if state.period.after_window else "")
        while self.meters_layout.count():
            item = self.meters_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.rows = []
        if not state.meters:
            self.meters_layout.addWidget(
                QLabel("На лицевом счёте нет действующих счётчиков.", self.meters_box)
            )
        for meter in state.meters:
            self.meters_layout.addWidget(self._meter_box(meter, typed))
        self.meters_layout.addStretch(1)
        self.taken_on.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.next_button.setEnabled(bool(self.rows))
        if self.rows:
            self.rows[0].edit.setFocus()
        self._recheck()

    def _meter_box(self, meter: MeterState, typed: dict[tuple[int, int], str]) -> QGroupBox:
        zones = {1: "однотарифный", 2: "2 зоны", 3: "3 зоны"}
        title = "Счётчик № {0} · {1} · {2}".format(meter.serial, meter.model,
                                                            zones[meter.zones])  # fmt: skip
        if meter.next_verification_on:
            title += " · поверка до {0}".format(date(meter.next_verification_on))
        box = QGroupBox(title, self.meters_box)
        grid = QGridLayout(box)
        grid.setColumnStretch(6, 1)
        for column, head in enumerate(
            ("Зона", "Предыдущее", "Новое показание",
             "Расход", "Сумма ≈")
        ):  # fmt: skip
            label = QLabel(head, box)
            label.setStyleSheet("color: #555;")
            grid.addWidget(label, 0, column)
        for index, zone in enumerate(meter.zone_states):
            row = ZoneRow(box, grid, 1 + index * 2, meter, zone,
                          typed.get((meter.meter_id, zone.zone), ""))  # fmt: skip
            row.edited.connect(self._recheck)
            row.edited.connect(self._field_edited)
            enter_moves_to(row.edit, functools.partial(self._next_field, row))
            self.rows.append(row)
        if meter.verification_expired and meter.estimation_note:
            note = QLabel(meter.estimation_note, box)
            note.setObjectName(f"expired_{meter.meter_id}")
            note.setWordWrap(True)
            note.setStyleSheet(ERROR_STYLE)
            grid.addWidget(note, 1 + len(meter.zone_states) * 2, 0, 1, 6)
        return box

    def _next_field(self, row: ZoneRow) -> QWidget | None:
        """The field after ``row``; None on the last one, where Enter is the dialog's «Далее»."""
        index = self.rows.index(row)
        return self.rows[index + 1].edit if index + 1 < len(self.rows) else None

    # --- live checking ----------------------------------------------------------------------
    def taken_on_date(self) -> dt.date:
        value = self.taken_on.date()
        return dt.date(value.year(), value.month(), value.day())

    def _recheck(self) -> list[ReadingCheck]:
        if self.state is None:
            return []
        checks = []
        date_errors: list[str] = []
        for row in self.rows:
            check = row.recheck(
                self.taken_on_date(), self.today, self.state.period.period,
                self.ctx.settings.reading_limits,
            )  # fmt: skip
            if check is not None:
                checks.append(check)
                date_errors += [i.message for i in check.errors if i.field == "taken_on"]
        self.date_message.setText(date_errors[0] if date_errors else "")
        self.date_message.setVisible(bool(date_errors))
        total = estimate(checks, self.state.balance)
        if any(c.consumption is not None for c in checks):
            self.totals.setText(
                ("Расход: {0} кВт·ч · сумма по текущему тарифу ≈ {1} · состояние счёта "
                        "{2} · к оплате ≈ {3}").format(
                    plain(total.consumption), money(total.amount, currency=True),
                    money(total.balance, currency=True), money(total.amount_due, currency=True),
                )
            )  # fmt: skip
        else:
            self.totals.setText("")
        return checks

    # --- steps ------------------------------------------------------------------------------
    def to_confirmation(self) -> None:
        """Go to the confirmation step, or show what is wrong next to the fields."""
        if self.state is None:
            return
        checks = self._recheck()
        problem = self._entry_problem(checks)
        if problem is not None:
            self._show_banner(problem, about_fields=True)
            return
        self.banner.setVisible(False)
        rows = [r for r in self.rows if r.check is not None]
        fill_table(self.confirm_table, [
            [r.meter.serial, r.zone.label, plain(r.check.value) if r.check and r.check.value
             is not None else "", plain(r.check.consumption) if r.check and r.check.consumption
             is not None else "—", money(r.check.amount, currency=True) if r.check and
             r.check.amount is not None else "—"]
            for r in rows
        ])  # fmt: skip
        total = estimate(checks, self.state.balance)
        self.confirm_details.setText(
            ("Дата снятия: {0} · источник: {1}.\n{2}\nСумма ≈ {3}, к оплате с учётом "
                    "состояния счёта ≈ {4}.").format(
                date(self.taken_on_date()), self.source.currentText(), self.state.period.note,
                money(total.amount, currency=True), money(total.amount_due, currency=True),
            )
        )  # fmt: skip
        self.confirmation.prepare(
            [i.message for c in checks for i in c.warnings],
            any(c.needs_supervisor for c in checks),
        )
        self.pages.setCurrentIndex(1)
        self.confirmation.confirm_button.setFocus()

    def _entry_problem(self, checks: list[ReadingCheck]) -> str | None:
        if not checks:
            self.rows[0].edit.setFocus()
            return "Введите показания хотя бы одного счётчика."
        for row in self.rows:
            if row.check is not None and row.check.errors:
                row.edit.setFocus()
                return "Исправьте ошибку у поля, отмеченного красным."
        filled = {r.meter.meter_id for r in self.rows if not r.is_empty()}
        for row in self.rows:
            if row.meter.meter_id in filled and row.is_empty():
                row.show_message("Введите показание и по этой зоне.", ERROR_STYLE)
                row.edit.setFocus()
                return "У многотарифного счётчика нужны показания всех зон."
        return None

    def back_to_entry(self) -> None:
        self.pages.setCurrentIndex(0)
        if self.rows:
            self.rows[0].edit.setFocus()

    def form(self) -> ReadingForm:
        rows = [r for r in self.rows if r.check is not None]
        return ReadingForm(
            self.account_id,
            tuple(
                ZoneEntry(
                    r.meter.meter_id,
                    r.zone.zone,
                    r.text,
                    r.rollover.isChecked(),
                    r.zone.previous_reading_id,
                )
                for r in rows
            ),  # fmt: skip
            self.taken_on_date(),
            source=self.source.currentData(),
            confirmed=self.confirmation.confirmed(),
            approval=self.confirmation.approval(),
        )

    def submit(self) -> None:
        form, key, ctx, today = self.form(), self.key, self.ctx, self.today
        # A double click stores nothing twice anyway.
        self.confirmation.confirm_button.setEnabled(False)
        Operation(
            self,
            lambda: submit_readings(
                ctx.db, ctx.actor, form, key, today=today, settings=ctx.settings
            ),
        ).success(self._submitted).invalid(self._invalid).failure(self._failed).stale_key(
            f"reading-submit-{self.account_id}"
        ).changes_account(self.account_id).run(ctx)

    def _submitted(self, result: SubmitResult) -> None:
        self.outcome = result
        self.done_details.setText(
            "Дата ввода: {0}, принял: {1}.\n{2}".format(
                date_time(result.entered_at), self.ctx.actor.full_name, result.period_note
            )
        )  # fmt: skip
        fill_table(self.done_table, [
            [r.serial, r.zone_label, plain(r.value),
             plain(r.consumption) if r.consumption is not None else "—",
             money(r.amount, currency=True) if r.amount is not None else "—"]
            for r in result.readings
        ])  # fmt: skip
        self.banner.setVisible(False)
        due = self.amount_due()
        if due:
            self.pay_button.setText("Принять оплату: {0} (F9)".format(money(due, currency=True)))
        self.pages.setCurrentIndex(2)
        self.close_button.setFocus()
        self.submitted.emit(result)

    def _invalid(self, message: str, field: FieldRef) -> None:
        """A ValidationError with a field: the message goes beside it (and into the banner)."""
        self.confirmation.update_button()
        if field in ("confirm", "supervisor"):
            self.confirmation.message.setText(message)
            return
        self.back_to_entry()
        if isinstance(field, ZoneField):
            for row in self.rows:
                if row.meter.meter_id == field.meter_id and row.zone.zone == field.zone:
                    if field.name == "taken_on":
                        self.date_message.setText(message)
                        self.date_message.setVisible(True)
                    else:
                        row.show_message(message, ERROR_STYLE)
                        row.edit.setFocus()
        self._show_banner(message, about_fields=True)

    def _failed(self, error: Exception) -> None:
        self.confirmation.update_button()
        if isinstance(error, ConflictError):
            self.back_to_entry()
            self._show_banner(str(error))
            self.load()  # fresh previous readings; what was typed stays
            return
        self._show_banner(message_for(error))

    def _field_edited(self) -> None:
        """The clerk is fixing the field: the banner about it goes (the live message beside the
        field still says what is wrong, if anything still is)."""
        if self._banner_about_fields:
            self.banner.setVisible(False)
            self._banner_about_fields = False

    def _show_banner(self, error: object, *, about_fields: bool = False) -> None:
        self._banner_about_fields = about_fields
        text = error if isinstance(error, str) else message_for(error)  # type: ignore[arg-type]
        self.banner.setText(text)
        self.banner.setStyleSheet(f"{ERROR_STYLE} font-weight: bold;")
        self.banner.setVisible(True)
