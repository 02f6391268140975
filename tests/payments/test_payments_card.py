"""The payments plugin on a card and in the office menu; reversal and day closing windows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QToolBar, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.payments import counter
from console.services.payments.history import ClosingRow, PaymentRow
from console.views.common.context import ViewContext
from console.views.payments import plugin
from console.views.payments.day_closing_dialog import DayClosingDialog, DayClosingModel
from console.views.payments.dialog import PaymentDialog
from console.views.payments.history_model import PaymentHistoryModel
from console.views.payments.reversal_dialog import PaymentReversalDialog
from console.views.refunds import plugin as refunds_plugin
from console.views.refunds.tab import RefundQueueWidget, RefundsTab
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.ui import grab, view_context


class StandInCard(QWidget):
    """The AccountCard interface from the team brief (the real card lives on the lookup branch)."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, account_id: int, number: str) -> None:
        super().__init__()
        self.ctx, self.account_id, self.account_number = ctx, account_id, number
        self.toolbar = QToolBar(self)
        self.tabs = QTabWidget(self)
        self.refreshed = 0
        # Like AccountCard: reload when an operation announces a write to this account.
        ctx.changes.account_changed.connect(self._account_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs)

    def add_action(self, text: str, shortcut: str | None, callback: Any) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: callback())
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def refresh(self) -> None:
        self.refreshed += 1
        self.changed.emit()

    @Slot(int)
    def _account_changed(self, account_id: int) -> None:
        if account_id == self.account_id:
            self.refresh()


class StandInWindow(QMainWindow):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.office_menu = QMenu("Офис", self)
        self.tabs: list[tuple[QWidget, str, str | None]] = []

    def open_tab(self, widget: QWidget, title: str, key: str | None = None) -> QWidget:
        self.tabs.append((widget, title, key))
        return widget


def _pay(db: Database, actor: Any, account_id: int, total: str) -> counter.PaymentResult:
    dues = counter.account_dues(db, account_id)
    form = counter.PaymentForm(account_id, Decimal(total),
                                counter.split(Decimal(total), dues.dues()), PaymentMethod.CASH,
                                cash_received=Decimal(total), confirmed=True)  # fmt: skip
    return counter.take_payment(db, actor, form, uuid.uuid4().hex)


def test_card_gets_f9_refund_action_and_tab(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-card", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("250.00"))
    with view_context(db, clerk) as ctx:
        card = StandInCard(ctx, acc.account_id, acc.number)
        qtbot.addWidget(card)
        plugin.install_card(card)
        refunds_plugin.install_card(card)
        card.show()
        titles = [a.text() for a in card.toolbar.actions()]
        assert titles == ["Принять оплату", "Платежи", "Заявление на возврат"]
        assert card.toolbar.actions()[0].shortcut().toString() == "F9"
        assert card.tabs.tabText(0) == "Возвраты"
        assert isinstance(card.tabs.widget(0), RefundsTab)
        card.toolbar.actions()[0].trigger()
        dialog = card.findChild(PaymentDialog)
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        dialog.received_edit.setText("300")
        dialog.confirm.setChecked(True)
        with qtbot.waitSignal(ctx.changes.account_changed, timeout=10000):
            qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        assert dialog.payment_result is not None
        assert card.refreshed == 1  # the card reloads and shows the new balance
        assert counter.account_dues(db, acc.account_id).balance == Decimal("0.00")


def test_reversal_dialog_for_a_supervisor(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-rev", StaffRole.CLERK)
    boss = make_staff(db, "boss-rev", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("400.00"))
    paid = _pay(db, clerk, acc.account_id, "400")
    with view_context(db, clerk) as ctx:
        as_clerk = PaymentReversalDialog(ctx, acc.account_id)
        qtbot.addWidget(as_clerk)
        qtbot.waitUntil(lambda: as_clerk.model.rowCount() == 1)
        assert not as_clerk.reverse_button.isEnabled()
    with view_context(db, boss) as ctx:
        dialog = PaymentReversalDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        assert dialog.reverse_button.isEnabled()
        qtbot.mouseClick(dialog.reverse_button, Qt.MouseButton.LeftButton)
        assert dialog.reason_error.isVisible()  # the reason is required
        qtbot.keyClicks(dialog.reason, "Wrong account")
        with qtbot.waitSignal(dialog.reversed, timeout=10000) as blocker:
            qtbot.mouseClick(dialog.reverse_button, Qt.MouseButton.LeftButton)
        assert blocker.args[0].reversal_of_id == paid.payment_id
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
        assert not dialog.reverse_button.isEnabled()
        grab(dialog, "/tmp/payments-reversal.png")
    assert counter.account_dues(db, acc.account_id).balance == Decimal("400.00")


def test_office_menu_day_closing_and_queue(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-day", StaffRole.CLERK)
    boss = make_staff(db, "boss-day", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("1000.00"))
    _pay(db, clerk, acc.account_id, "300")
    _pay(db, clerk, acc.account_id, "200")
    with view_context(db, clerk) as ctx:
        window = StandInWindow(ctx)
        plugin.install_window(window)
        refunds_plugin.install_window(window)
        # A clerk closes their cash day, but has no office report or refund queue.
        assert [a.text() for a in window.office_menu.actions()] == ["Закрытие кассовой смены…"]
    with view_context(db, boss) as ctx:
        window = StandInWindow(ctx)
        qtbot.addWidget(window)
        plugin.install_window(window)
        refunds_plugin.install_window(window)
        cash_day, closing, queue = window.office_menu.actions()
        assert cash_day.text() == "Закрытие кассовой смены…"
        assert closing.text() == "Закрытие дня…"
        queue.trigger()
        assert isinstance(window.tabs[0][0], RefundQueueWidget)
        dialog = DayClosingDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        assert dialog.selected_day() == dt.date.today()
        assert "Всего: 500,00" in dialog.totals.text().replace("\u00a0", " ")
        grab(dialog, "/tmp/payments-day-closing.png")


def test_history_and_closing_models_pass_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    paid_at = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
    history = PaymentHistoryModel()
    history.set_rows(
        (
            PaymentRow(1, paid_at, Decimal("1234.56"), PaymentMethod.CASH, "R-1", "Иванов",
                       "Петров", None, None, None, None),
            PaymentRow(2, paid_at, Decimal("-1234.56"), PaymentMethod.CASH, None, "Иванов",
                       None, None, 1, None, "ошибка"),
        )
    )  # fmt: skip
    qtmodeltester.check(history)
    assert history.headerData(1, Qt.Orientation.Horizontal) == "Сумма"
    assert history.headerData(0, Qt.Orientation.Vertical) is None
    assert history.index(0, 1).data().replace("\u00a0", " ") == "1 234,56 ₽"
    assert history.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert history.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) is None
    assert history.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert history.index(1, 5).data() == "Сторно: ошибка"
    assert history.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert history.row_at(1) is not None and history.row_at(2) is None
    closing = DayClosingModel()
    closing.set_rows(
        (
            ClosingRow(1, "Иванов", PaymentMethod.CASH, 3, 1, Decimal("1000.00")),
            ClosingRow(None, "Петров", PaymentMethod.CARD, 1, 0, Decimal("50.00")),
        )
    )
    qtmodeltester.check(closing)
    assert [closing.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Сотрудник", "Способ оплаты", "Платежей", "Сторно", "Сумма",
    ]  # fmt: skip
    assert closing.index(0, 2).data() == "3"
    assert closing.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert closing.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) is not None
