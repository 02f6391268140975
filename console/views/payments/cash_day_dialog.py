"""«Закрытие кассовой смены»: the office day's cash in and out per clerk, the cash register's
figures and the difference, the explanation a difference needs, the handover to a supervisor
who confirms with their own login and password, the closing sheet; reopening for supervisors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.services.cashdesk import day as cashday
from console.services.cashdesk.sheet import cash_day_sheet_pdf
from console.services.core.errors import ConsoleError, FieldRef, ValidationError
from console.services.core.formatting import date, date_time, money
from console.services.fiscal.device import CashRegister, KktError, ShiftTotals
from console.services.staff.approvals import verify_supervisor
from console.views.common.context import ViewContext
from console.views.common.form_widgets import ErrorLabel
from console.views.common.operations import Operation
from console.views.common.rows_model import Column, RowsModel
from console.views.printing.preview import PdfPreviewDialog

RED = "#b3261e"


def _rub(value: Decimal) -> str:
    return money(value, currency=True)


@dataclass(frozen=True)
class Loaded:
    summary: cashday.CashDaySummary
    totals: ShiftTotals | None
    kkt_message: str


class ClerkCashModel(RowsModel[cashday.ClerkCash]):
    """Сотрудник · Принято · Выдано · Остаток."""

    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column("Сотрудник", lambda r: r.clerk),
                Column("Принято наличных", lambda r: _rub(r.cash_in), align_right=True),
                Column("Выдано (возвраты)", lambda r: _rub(r.cash_out), align_right=True),
                Column("Остаток", lambda r: _rub(r.net), align_right=True),
            ],
            parent,
        )


class CashDayDialog(QDialog):
    """Close today's cash day of the clerk's office (or see and reopen a closed one)."""

    def __init__(
        self,
        ctx: ViewContext,
        parent: QWidget | None = None,
        *,
        register: CashRegister | None = None,
        pending_cheques: Callable[[], int] | None = None,
        day: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.register = register
        self.pending_cheques = pending_cheques
        self.day = day or dt.date.today()
        self.loaded: Loaded | None = None
        self._z_failed: list[str] = []
        self._ready = False
        self.setObjectName("cashDayDialog")
        self.setWindowTitle(f"Закрытие кассовой смены — {ctx.actor.office_name}")
        self.resize(780, 660)

        self.state = QLabel(self)
        self.state.setObjectName("dayState")
        self.state.setWordWrap(True)
        self.model = ClerkCashModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("clerkCash")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 165)
        self.table.setMinimumHeight(110)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        figures = QGroupBox("Сверка с ККТ", self)
        grid = QGridLayout(figures)
        self.values: dict[str, QLabel] = {}
        # The console's figures on the left, the register's on the right, the difference last.
        places = (
            ("cash_in", "Принято наличных", 0, 0), ("cash_out", "Выдано наличных (возвраты)", 1, 0),
            ("expected", "Должно быть в кассе", 2, 0), ("kkt_in", "По ККТ: приход наличными", 0, 1),
            ("kkt_out", "По ККТ: возврат прихода", 1, 1), ("kkt", "По ККТ наличных", 2, 1),
            ("difference", "Расхождение", 3, 1),
        )  # fmt: skip
        for key, title, row, column in places:
            value = QLabel("—", figures)
            value.setObjectName(f"value_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(120)
            grid.addWidget(QLabel(title + ":", figures), row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self.values[key] = value
        grid.setColumnMinimumWidth(2, 250)
        self.kkt_note = QLabel(figures)
        self.kkt_note.setObjectName("kktNote")
        self.kkt_note.setWordWrap(True)
        grid.addWidget(self.kkt_note, 4, 0, 1, 4)

        self.explanation = QPlainTextEdit(self)
        self.explanation.setObjectName("explanation")
        self.explanation.setTabChangesFocus(True)
        self.explanation.setFixedHeight(56)
        self.explanation.setPlaceholderText("Почему наличные не сходятся с ККТ")
        self.explanation_error = ErrorLabel(self)
        self.explanation_error.setObjectName("explanationError")
        self.explanation.textChanged.connect(self.explanation_error.clear_message)

        self.receiver_login = QLineEdit(self)
        self.receiver_login.setObjectName("receiverLogin")
        self.receiver_password = QLineEdit(self)
        self.receiver_password.setObjectName("receiverPassword")
        self.receiver_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.receiver_error = ErrorLabel(self)
        self.receiver_error.setObjectName("receiverError")
        self.receiver_error.clears_on_edit(self.receiver_login, self.receiver_password)
        handover = QGroupBox("Передача кассы", self)
        hand = QGridLayout(handover)
        hand.addWidget(QLabel("Сдаёт:", handover), 0, 0)
        hand.addWidget(QLabel(f"<b>{ctx.actor.full_name}</b>", handover), 0, 1, 1, 3)
        hand.addWidget(QLabel("Принимает (руководитель), логин:", handover), 1, 0)
        hand.addWidget(self.receiver_login, 1, 1)
        hand.addWidget(QLabel("пароль:", handover), 1, 2)
        hand.addWidget(self.receiver_password, 1, 3)
        hand.addWidget(self.receiver_error, 2, 0, 1, 4)

        self.reopen_reason = QLineEdit(self)
        self.reopen_reason.setObjectName("reopenReason")
        self.reopen_reason.setPlaceholderText("Причина, по которой смена открывается вновь")
        self.reopen_error = ErrorLabel(self)
        self.reopen_error.setObjectName("reopenError")
        self.reopen_error.clears_on_edit(self.reopen_reason)
        self.reopen_button = QPushButton("Открыть смену вновь", self)
        self.reopen_button.setObjectName("reopenDay")
        self.reopen_button.clicked.connect(self.reopen)
        self.reopen_box = QWidget(self)
        reopen_row = QHBoxLayout(self.reopen_box)
        reopen_row.setContentsMargins(0, 0, 0, 0)
        reopen_row.addWidget(self.reopen_reason, 1)
        reopen_row.addWidget(self.reopen_button)

        self.error = ErrorLabel(self)
        self.error.setObjectName("dayError")
        self.close_button = QPushButton("Закрыть смену", self)
        self.close_button.setObjectName("closeDay")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.close_day)
        self.print_button = QPushButton("Печать ведомости…", self)
        self.print_button.setObjectName("printSheet")
        self.print_button.clicked.connect(self.print_sheet)
        dismiss = QPushButton("Отмена", self)
        dismiss.setObjectName("dismiss")
        dismiss.setAutoDefault(False)
        dismiss.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(dismiss)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.table)
        self.table.setMaximumHeight(190)
        layout.addWidget(figures)
        layout.addWidget(QLabel("Объяснение расхождения (обязательно, если есть расхождение):",
                                self))  # fmt: skip
        layout.addWidget(self.explanation)
        layout.addWidget(self.explanation_error)
        layout.addWidget(handover)
        layout.addWidget(self.reopen_box)
        layout.addWidget(self.reopen_error)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setTabOrder(self.explanation, self.receiver_login)
        self.setTabOrder(self.receiver_login, self.receiver_password)
        self.setTabOrder(self.receiver_password, self.close_button)
        self.reload()

    # --- loading ---------------------------------------------------------------------------
    def is_ready(self) -> bool:
        return self._ready

    def reload(self) -> None:
        office = self.ctx.actor.office_id
        if office is None:
            self.error.show_message("Рабочее место не привязано к офису.")
            self._ready = True
            return
        db, day, register = self.ctx.db, self.day, self.register

        def load() -> Loaded:
            summary = cashday.cash_day(db, office, day)
            if register is None:
                return Loaded(summary, None, "ККТ не подключена: сверка с ККТ не выполняется.")
            try:
                return Loaded(summary, register.x_report(), "")
            except KktError as err:
                return Loaded(summary, None, f"Итоги ККТ не получены: {err}")

        Operation(self, load).success(self._show).error_label(self.error).stale_key(
            f"cashday-{id(self)}"
        ).run(self.ctx)

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        s = loaded.summary
        self.model.set_rows(s.clerks)
        self.values["cash_in"].setText(_rub(s.cash_in))
        self.values["cash_out"].setText(_rub(s.cash_out))
        self.values["expected"].setText(f"<b>{_rub(s.expected)}</b>")
        if s.is_closed or s.status is not None:
            kkt_in, kkt_out = s.kkt_cash_in, s.kkt_cash_out
            difference = s.difference if s.is_closed else self._difference(loaded)
        else:
            totals = loaded.totals
            kkt_in = totals.sell_cash if totals else None
            kkt_out = totals.return_cash if totals else None
            difference = self._difference(loaded)
        none = "—"
        self.values["kkt_in"].setText(_rub(kkt_in) if kkt_in is not None else none)
        self.values["kkt_out"].setText(_rub(kkt_out) if kkt_out is not None else none)
        kkt = None if kkt_in is None or kkt_out is None else kkt_in - kkt_out
        self.values["kkt"].setText(_rub(kkt) if kkt is not None else none)
        self.values["difference"].setText(
            f"<b>{money(difference, sign=True, currency=True)}</b>" if difference
            else _rub(Decimal("0.00"))
        )  # fmt: skip
        self.values["difference"].setStyleSheet(f"color: {RED};" if difference else "")
        self.kkt_note.setText(loaded.kkt_message)
        self.kkt_note.setVisible(bool(loaded.kkt_message))
        closed = s.is_closed
        if closed:
            state = (f"Смена за {date(s.day)} закрыта {date_time(s.closed_at)}: сдал "
                     f"{s.handed_over_by}, принял {s.received_by}.")  # fmt: skip
            if s.explanation:
                state += f" Объяснение: {s.explanation}"
        elif s.status is not None:
            state = (f"Смена за {date(s.day)} открыта вновь ({s.reopened_by}): "
                     f"{s.reopen_reason}. Закройте её снова.")  # fmt: skip
        else:
            state = f"Смена за {date(s.day)} открыта. Сверьте наличные в кассе и закройте её."
        self.state.setText(state)
        for widget in (self.explanation, self.receiver_login, self.receiver_password,
                       self.close_button):  # fmt: skip
            widget.setEnabled(not closed)
        self.reopen_box.setVisible(closed and self.ctx.actor.is_supervisor)
        self._ready = True

    def _difference(self, loaded: Loaded) -> Decimal:
        return cashday.kkt_difference(loaded.summary.expected, loaded.totals)

    # --- closing ---------------------------------------------------------------------------
    def close_day(self) -> None:
        if self.loaded is None or not self.close_button.isEnabled():
            return
        loaded = self.loaded
        explanation = self.explanation.toPlainText()
        if self._difference(loaded) != 0 and len(explanation.strip()) < 5:
            # Said here at once; the service and the database refuse the same.
            self.explanation_error.show_message(
                "Наличные не сходятся с ККТ: объясните расхождение — без объяснения смену не "
                "закрыть."
            )
            self.explanation.setFocus()
            return
        login, password = self.receiver_login.text().strip(), self.receiver_password.text()
        if not login or not password:
            self.receiver_error.show_message(
                "Кассу принимает руководитель офиса: пусть введёт свой логин и пароль."
            )
            (self.receiver_login if not login else self.receiver_password).setFocus()
            return
        db, actor, day, register = self.ctx.db, self.ctx.actor, self.day, self.register
        pending = self.pending_cheques
        z_failed: list[str] = []
        self._z_failed = z_failed

        def run() -> cashday.CashDaySummary:
            try:
                receiver = verify_supervisor(db, login, password)
            except ConsoleError as err:
                raise ValidationError(str(err), "receiver") from err
            # The register's figures as they are now, not as the window was opened.
            totals = register.x_report() if register is not None else None
            closed = cashday.close_day(
                db, actor, day, cashday.Handover(explanation, receiver, totals),
                pending_cheques=pending,
            )  # fmt: skip
            if register is not None:
                try:
                    cashday.take_z_report(register, actor)
                except KktError as err:  # the day is closed all the same: say what to do
                    z_failed.append(f"Смена закрыта, но Z-отчёт ККТ не снят: {err}")
            return closed

        Operation(self, run).success(self._closed).invalid(self._invalid).error_label(
            self.error
        ).busy(self.close_button).run(self.ctx)

    def _invalid(self, message: str, field: FieldRef) -> None:
        target = {"explanation": self.explanation_error, "receiver": self.receiver_error}
        target.get(str(field), self.error).show_message(message)
        self.receiver_password.clear()

    def _closed(self, summary: cashday.CashDaySummary) -> None:
        self.receiver_password.clear()
        self.error.clear_message()
        if self.loaded is not None:
            note = " ".join(self._z_failed) or self.loaded.kkt_message
            self._show(Loaded(summary, self.loaded.totals, note))

    # --- reopening and printing -----------------------------------------------------------
    def reopen(self) -> None:
        office = self.ctx.actor.office_id
        if office is None:
            return
        db, actor, day, reason = self.ctx.db, self.ctx.actor, self.day, self.reopen_reason.text()
        Operation(self, lambda: cashday.reopen_day(db, actor, office, day, reason)).success(
            lambda _s: self.reload()
        ).invalid(lambda message, _f: self.reopen_error.show_message(message)).error_label(
            self.reopen_error
        ).busy(self.reopen_button).run(self.ctx)

    def print_sheet(self) -> None:
        if self.loaded is None:
            return
        summary = self.loaded.summary
        PdfPreviewDialog(
            self.ctx, f"Закрытие кассовой смены {date(summary.day)}",
            lambda: cash_day_sheet_pdf(summary), f"закрытие-смены-{summary.day}.pdf", self,
        ).open()  # fmt: skip
