"""Meter replacement dialog, the card plugin and «Закрыть период» in the window."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.models import Meter
from console.models.enums import StaffRole
from console.services.core.database import Database
from console.views.billing.close_period import ClosePeriodDialog
from console.views.card.window import AccountCard
from console.views.common.context import ViewContext
from console.views.main_window import MainWindow
from console.views.readings.meter_replacement import MeterReplacementDialog
from console.views.readings.plugin import install_card
from tests.readings.test_reading_entry_window import TODAY, child, make_ctx, shot
from tests.support.factories import make_account, make_staff, update_row


@pytest.fixture
def clerk_ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "clerk", StaffRole.CLERK))


@pytest.fixture
def boss_ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "boss", StaffRole.ADMIN))


def test_meter_replacement_dialog(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    ids = make_account(clerk_ctx.db)
    dialog = MeterReplacementDialog(clerk_ctx, ids.account_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.rows) and dialog.rows[0].edit.isVisible())
    qtbot.keyClicks(child(dialog, QLineEdit, f"value_{ids.meter_id}_1"), "1290")  # type: ignore[arg-type]
    assert child(dialog, QLabel, f"consumption_{ids.meter_id}_1").text() == "90 кВт·ч"  # type: ignore[arg-type]
    child(dialog, QLineEdit, "newSerial").setText("М-2026-01")  # type: ignore[arg-type]
    child(dialog, QLineEdit, "initial_1").setText("3")  # type: ignore[arg-type]
    shot(dialog, "meter-replacement")
    qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    assert dialog.pages.currentIndex() == 1
    assert "М-2026-01" in child(dialog, QLabel, "summary").text()  # type: ignore[arg-type]
    shot(dialog, "meter-replacement-confirm")
    qtbot.mouseClick(child(dialog, QPushButton, "confirmButton"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    with clerk_ctx.db.read() as session:
        serials = [m.serial for m in session.query(Meter).filter_by(account_id=ids.account_id)]
    assert "М-2026-01" in serials


def test_replacement_errors_shown_next_to_the_field(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    ids = make_account(clerk_ctx.db)
    dialog = MeterReplacementDialog(clerk_ctx, ids.account_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.rows))
    child(dialog, QLineEdit, f"value_{ids.meter_id}_1").setText("1290")  # type: ignore[arg-type]
    child(dialog, QLineEdit, "newSerial").setText("!")  # type: ignore[arg-type]
    dialog.to_confirmation()
    qtbot.mouseClick(child(dialog, QPushButton, "confirmButton"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    label = child(dialog, QLabel, "error_new.serial")
    qtbot.waitUntil(lambda: label.isVisibleTo(dialog))  # type: ignore[union-attr]
    assert "Заводской номер" in label.text()  # type: ignore[union-attr]
    assert dialog.pages.currentIndex() == 0


class StandInCard(QWidget):
    """The account card's published interface (the real card lives on the lookup branch)."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, account_id: int) -> None:
        super().__init__()
        self.ctx, self.account_id, self.account_number = ctx, account_id, "7200000001"
        self.tabs = QTabWidget(self)
        QVBoxLayout(self).addWidget(self.tabs)
        self.actions_added: list[QAction] = []
        self.refreshed = 0

    def add_action(self, text: str, shortcut: str | None, callback: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(callback)
        self.addAction(action)
        self.actions_added.append(action)
        return action

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def refresh(self) -> None:
        self.refreshed += 1


def test_card_plugin_adds_the_two_actions(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    ids = make_account(clerk_ctx.db)
    card = StandInCard(clerk_ctx, ids.account_id)
    qtbot.addWidget(card)
    install_card(card)
    texts = {a.text(): a.shortcut().toString() for a in card.actions_added}
    assert texts == {"Ввести показания": "F6", "Замена счётчика": ""}


def test_the_real_card_has_no_shortcut_twice(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    """Every feature plugs into the same card: an ambiguous shortcut would fire none of them."""
    ids = make_account(clerk_ctx.db)
    card = AccountCard(clerk_ctx, ids.account_id)
    qtbot.addWidget(card)
    keys = [a.shortcut().toString() for a in card.actions() if not a.shortcut().isEmpty()]
    assert "F6" in keys and len(keys) == len(set(keys)), keys
    qtbot.waitUntil(lambda: clerk_ctx.tasks._running == 0, timeout=10_000)


def test_close_period_from_the_office_menu(qtbot: QtBot, boss_ctx: ViewContext) -> None:
    ids = make_account(boss_ctx.db)
    update_row(boss_ctx.db, Meter, ids.meter_id, transformation_ratio=Decimal(1))
    window = MainWindow(boss_ctx)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "closePeriodAction")
    assert action is not None and action.isEnabled()
    dialog = ClosePeriodDialog(boss_ctx, today=dt.date(2026, 11, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    field = child(dialog, QLineEdit, "period")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: field.text() == "2026-10")
    assert child(dialog, QLabel, "month").text() == "Октябрь 2026"  # type: ignore[arg-type]
    qtbot.mouseClick(child(dialog, QPushButton, "runButton"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20000)
    assert dialog.progress.value() == 100
    assert "закрыт" in child(dialog, QLabel, "status").text()  # type: ignore[arg-type]
    shot(dialog, "close-period")


def test_close_period_cancel_leaves_the_period_open(qtbot: QtBot, boss_ctx: ViewContext) -> None:
    make_account(boss_ctx.db)
    dialog = ClosePeriodDialog(boss_ctx, today=dt.date(2026, 11, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    field = child(dialog, QLineEdit, "period")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: field.text() == "2026-10")
    gate = threading.Event()
    boss_ctx.tasks.run(gate.wait)  # hold the database thread: the run queues behind it
    dialog.start()
    qtbot.mouseClick(child(dialog, QPushButton, "cancelButton"), Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    gate.set()
    status = child(dialog, QLabel, "status")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: "отменено" in status.text(), timeout=20000)
    assert dialog.outcome is None and dialog.run_button.isEnabled()


def test_only_an_administrator_closes_a_period(qtbot: QtBot, sqlite_db: Database) -> None:
    for ctx in make_ctx(sqlite_db, make_staff(sqlite_db, "head", StaffRole.SUPERVISOR)):
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        action = window.findChild(QAction, "closePeriodAction")
        assert action is not None and not action.isEnabled()
