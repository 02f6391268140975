"""The card plugin: people on an account, editing a customer, unbinding, the window's menu item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QMenuBar, QWidget
from sqlalchemy import select

from console.models import AccountHolder, AuditEvent, Customer
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.settings import Settings
from console.views.common import plugins
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner
from console.views.registration.customer_edit_dialog import CustomerEditDialog
from console.views.registration.plugin import AccountPeopleDialog, install_card, install_window
from console.views.registration.wizard import RegistrationWizard
from tests.support.factories import AccountIds, make_account, make_staff, stored_identity

SHOTS = Path("/tmp/registration")


@pytest.fixture
def ctx(db: Database, qtbot) -> Iterator[ViewContext]:  # type: ignore[no-untyped-def]
    actor = make_staff(db, "clerk-card", StaffRole.CLERK)
    tasks = TaskRunner()
    yield ViewContext(
        db=db, settings=Settings(database_url=str(db.engine.url)), actor=actor, tasks=tasks
    )
    tasks.shutdown()


@pytest.fixture
def account(db: Database) -> AccountIds:
    return make_account(db)


class CardStandIn(QWidget):
    """The account card's published interface (the lookup engineer builds the real one)."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, account: AccountIds) -> None:
        super().__init__()
        self.ctx, self.account_id, self.account_number = ctx, account.account_id, account.number
        self.actions_: dict[str, QAction] = {}
        self.refreshed = 0
        # Like AccountCard: reload when a write to this account is announced.
        ctx.changes.account_changed.connect(self._account_changed)

    def add_action(self, text: str, shortcut: str | None, callback: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(callback)
        self.addAction(action)
        self.actions_[text] = action
        return action

    def refresh(self) -> None:
        self.refreshed += 1

    @Slot(int)
    def _account_changed(self, account_id: int) -> None:
        if account_id == self.account_id:
            self.refresh()


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def test_plugins_are_registered() -> None:
    assert "registration.plugin" in plugins.CARD_PLUGINS
    assert "registration.plugin" in plugins.WINDOW_PLUGINS


def test_window_menu_opens_the_wizard(qtbot, ctx: ViewContext) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    window.ctx = ctx  # type: ignore[attr-defined]
    window.account_menu = QMenuBar(window).addMenu("&Лицевой счёт")  # type: ignore[attr-defined]
    install_window(window)
    action = window.findChild(QAction, "registerCustomer")
    assert action is not None and action.shortcut().toString() == "Ctrl+Shift+N"
    action.trigger()
    wizard = window.findChild(RegistrationWizard)
    assert wizard is not None and wizard.isVisible()
    wizard.confirm_on_cancel = False
    wizard.close()


def test_people_dialog_edit_and_unbind(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    card = CardStandIn(ctx, account)
    qtbot.addWidget(card)
    install_card(card)
    action = card.actions_["Привязать/изменить клиента"]
    assert action.shortcut().toString() == "F7"
    action.trigger()
    dialog = card.findChild(AccountPeopleDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.table.item(0, 0).text() == "Иванов Пётр Сергеевич (владелец счёта)"
    assert dialog.table.item(0, 3).text() == "71 ** ******"
    shot(dialog, "card-people")

    # Reveal: one click, recorded.
    dialog.reveal_selected()
    qtbot.waitUntil(lambda: dialog.table.item(0, 3).text().startswith("71 01 "), timeout=10000)

    # Edit: a new phone and a surname after marriage.
    dialog.edit_selected()
    edit = dialog.findChild(CustomerEditDialog)
    assert edit is not None
    qtbot.waitUntil(lambda: edit.details is not None, timeout=10000)
    edit.fields["phone"].setText("8 912 000-11-2")
    assert "российский" in edit.fields["phone"].error.text()
    edit.fields["phone"].setText("8 912 000-11-22")
    edit.fields["last_name"].setText("Петров")
    shot(edit, "customer-edit")
    edit.save()
    qtbot.waitUntil(lambda: card.refreshed == 1, timeout=10000)
    qtbot.waitUntil(lambda: dialog.table.item(0, 0).text().startswith("Петров "), timeout=10000)

    # Unbind with a reason typed into the question.
    def answer() -> None:
        ask = QApplication.activeModalWidget()
        assert isinstance(ask, QInputDialog)
        ask.setTextValue("Продал квартиру")
        shot(ask, "card-unbind-reason")
        ask.accept()

    QTimer.singleShot(0, answer)
    dialog.unbind_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10000)
    with db.read() as session:
        holder = session.scalars(select(AccountHolder)).one()
        assert holder.unbound_reason == "Продал квартиру"
        customer = session.get(Customer, account.customer_id)
        assert customer is not None and customer.phone == "+79120001122"
        events = [
            (e.action, e.before, e.after)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert [e[0] for e in events] == [
        "customer.reveal_passport",
        "customer.update",
        "account_holder.unbind",
    ]
    assert events[1][1] == {"last_name": "Иванов", "phone": "+79123456789"}
    assert events[1][2] == {"last_name": "Петров", "phone": "+79120001122"}


def test_edit_dialog_new_passport(
    qtbot, ctx: ViewContext, db: Database, account: AccountIds
) -> None:  # type: ignore[no-untyped-def]
    edit = CustomerEditDialog(ctx, account.customer_id)
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitUntil(lambda: edit.details is not None, timeout=10000)
    edit.new_passport.setChecked(True)
    values = {
        "passport_series": "7125",
        "passport_number": "123123",
        "passport_issued_on": "01.02.2025",
        "passport_issued_by": "УМВД России по Тюменской области",
        "passport_division_code": "720-002",
    }
    for name, text in values.items():
        edit.passport_fields[name].setText(text)
    shot(edit, "customer-edit-passport")
    edit.save()
    qtbot.waitUntil(lambda: edit.result() == 1, timeout=10000)
    assert stored_identity(db, account.customer_id).number == "123123"
