"""Plugin: «Регистрация клиента» in the main window, «Привязать/изменить клиента» on the card."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.core.formatting import date_time
from console.services.privacy.identity import Identity
from console.services.registration import binding, edit
from console.services.registration.forms import AccountBrief, HolderRow
from console.views.common.context import ViewContext
from console.views.common.operations import run_op
from console.views.common.plugins import CardHost, WindowHost
from console.views.common.tasks import message_for
from console.views.registration.customer_edit_dialog import CustomerEditDialog
from console.views.registration.widgets import error_label, show_error
from console.views.registration.wizard import RegistrationWizard

WIZARD_SHORTCUT = "Ctrl+Shift+N"
CARD_SHORTCUT = "F7"


def open_wizard(
    ctx: ViewContext, parent: QWidget | None, account: AccountBrief | None = None
) -> RegistrationWizard:
    wizard = RegistrationWizard(ctx, account=account, parent=parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.setWindowFlag(Qt.WindowType.Window)
    wizard.show()
    return wizard


def install_window(window: WindowHost) -> None:
    action = QAction("Регистрация клиента…", window)
    action.setObjectName("registerCustomer")
    action.setShortcut(QKeySequence(WIZARD_SHORTCUT))
    action.triggered.connect(lambda: open_wizard(window.ctx, window))
    window.account_menu.addAction(action)


def install_card(card: CardHost) -> None:
    def open_people() -> None:
        dialog = AccountPeopleDialog(card.ctx, card.account_id, card.account_number, card)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    card.add_action("Привязать/изменить клиента", CARD_SHORTCUT, open_people)


class AccountPeopleDialog(QDialog):
    """People bound to an account: register and bind, edit, reveal the passport, unbind."""

    changed = Signal()
    COLUMNS = ("ФИО", "Отношение", "Подтверждение", "Паспорт", "Телефон", "Привязан")

    def __init__(
        self, ctx: ViewContext, account_id: int, account_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.rows: tuple[HolderRow, ...] = ()
        self.setObjectName("AccountPeopleDialog")
        self.setWindowTitle("Клиенты лицевого счёта {0}".format(account_number))
        self.resize(860, 380)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("people")
        self.table.setHorizontalHeaderLabels([c for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.error = error_label(self)
        self.error.setObjectName("peopleError")
        buttons = QHBoxLayout()
        specs = (
            ("registerBind", "&Зарегистрировать и привязать… (Ins)", "Ins", self.register),
            ("editCustomer", "&Изменить данные… (F4)", "F4", self.edit_selected),
            ("revealPassport", "&Показать паспорт", None, self.reveal_selected),
            ("unbind", "&Отвязать… (Del)", "Del", self.unbind_selected),
        )
        for name, text, key, slot in specs:
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            if key:
                QShortcut(QKeySequence(key), self, slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Привязанные к счёту люди (паспорт скрыт):", self))
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.reload()

    def reload(self) -> None:
        run_op(
            self.ctx,
            self,
            lambda: binding.account_people(self.ctx.db, self.account_id),
            self._show,
            self._failed,
        )

    def _show(self, rows: tuple[HolderRow, ...]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = row.full_name + (" (владелец счёта)" if row.is_primary else "")
            cells = (name, row.relation_label, row.proof_label, row.passport_masked,
                     row.phone or "", date_time(row.bound_at))  # fmt: skip
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _failed(self, error: Exception) -> None:
        show_error(self.error, message_for(error))

    def selected(self) -> HolderRow | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            return self.rows[row]
        show_error(self.error, "Выберите человека в списке.")
        return None

    def _changed(self) -> None:
        show_error(self.error, None)
        self.reload()
        self.changed.emit()
        # Edits and bindings are written by the sub-dialogs and the unbind operation; the card
        # (and every other open card of the account) reloads on the announcement.
        self.ctx.changes.announce_account(self.account_id)

    def register(self) -> None:
        def start(brief: AccountBrief) -> None:
            wizard = open_wizard(self.ctx, self, brief)
            wizard.finished.connect(lambda _code: self._changed())

        run_op(
            self.ctx,
            self,
            lambda: binding.account_brief(self.ctx.db, self.account_id),
            start,
            self._failed,
        )

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = CustomerEditDialog(self.ctx, row.customer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._changed)
        dialog.show()

    def reveal_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        index = self.table.currentRow()

        def shown(found: Identity) -> None:
            self.table.setItem(index, 3, QTableWidgetItem(found.passport_text))

        run_op(
            self.ctx,
            self,
            lambda: edit.reveal_passport(self.ctx.db, self.ctx.actor, row.customer_id),
            shown,
            self._failed,
        )

    def unbind_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        ask = QInputDialog(self)
        ask.setObjectName("unbindReason")
        ask.setWindowTitle("Отвязать клиента")
        ask.setLabelText("Причина, по которой {0} отвязывается от счёта:".format(row.full_name))
        ask.setOkButtonText("Отвязать")
        ask.setCancelButtonText("Отмена")
        if ask.exec() != QDialog.DialogCode.Accepted:
            return
        reason = ask.textValue()
        run_op(
            self.ctx,
            self,
            lambda: binding.unbind(self.ctx.db, self.ctx.actor, row.holder_id, row.version, reason),
            lambda _none: self._changed(),
            self._failed,
        )
