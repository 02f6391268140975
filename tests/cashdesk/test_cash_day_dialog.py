"""«Закрытие кассовой смены» offscreen: a day with a difference is refused until explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.cashdesk import day as cashday
from console.services.core.database import Database
from console.services.fiscal.device import Cashier, ShiftState
from console.services.refunds import applications
from console.views.payments.cash_day_dialog import CashDayDialog
from tests.cashdesk.conftest import Desk, approved_refund, pay, register_of
from tests.support.factories import (
    add_charge,
    make_account,
    make_login,
    make_staff,
    stored_identity,
)
from tests.support.kkt_process import KktEmulator
from tests.support.ui import grab, view_context

PASSWORD = "Пароль-2026!"


def _desk(db: Database) -> Desk:
    clerk = make_staff(db, "kassa_ui", StaffRole.CLERK)
    boss = make_login(db, "boss_ui", StaffRole.SUPERVISOR, PASSWORD)
    boss2 = make_staff(db, "chief_ui", StaffRole.SUPERVISOR)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    stored = stored_identity(db, acc.customer_id)
    return Desk(clerk, boss, boss2, acc, f"{stored.series} {stored.number}")


def _text(widget: object) -> str:
    return widget.text().replace("\u00a0", " ")  # type: ignore[attr-defined,no-any-return]


def test_a_difference_must_be_explained_before_the_day_closes(
    sqlite_db: Database, qtbot: QtBot, kkt_emulator: KktEmulator
) -> None:
    db = sqlite_db
    desk = _desk(db)
    kkt = register_of(kkt_emulator)
    pay(db, desk.clerk, desk.acc.account_id, "3100.00")
    rid = approved_refund(db, desk, "2000.00")
    applications.mark_paid(db, desk.boss2, rid, register=kkt)
    assert kkt.status().shift is ShiftState.OPENED  # the refund's cheque opened it
    with view_context(db, desk.clerk) as ctx:
        dialog = CashDayDialog(ctx, register=kkt)
        qtbot.addWidget(dialog)
        dialog.resize(780, 660)
        dialog.show()
        qtbot.waitUntil(dialog.is_ready)
        assert _text(dialog.values["cash_in"]) == "3 100,00 ₽"
        assert _text(dialog.values["cash_out"]) == "2 000,00 ₽"
        assert "1 100,00" in _text(dialog.values["expected"])
        assert "−3 100,00" in _text(dialog.values["difference"])
        assert dialog.model.rowCount() == 2
        qtbot.keyClicks(dialog.receiver_login, "boss_ui")
        dialog.receiver_password.setText(PASSWORD)
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert "объясните расхождение" in dialog.explanation_error.text()
        assert dialog.explanation_error.isVisible()
        grab(dialog, "/tmp/cash-day-refused.png")
        assert cashday.cash_day(db, desk.clerk.office_id or 0, dt.date.today()).status is None
        dialog.explanation.setFocus()
        dialog.explanation.insertPlainText("Оплата 3 100 ₽ принята без чека ККТ")
        assert not dialog.explanation_error.isVisible()
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "закрыта" in dialog.state.text(), timeout=10000)
        assert not dialog.close_button.isEnabled()
        grab(dialog, "/tmp/cash-day-closed.png")
    summary = cashday.cash_day(db, desk.clerk.office_id or 0, dt.date.today())
    assert summary.is_closed and summary.received_by == desk.boss.full_name
    assert summary.explanation == "Оплата 3 100 ₽ принята без чека ККТ"
    assert kkt.status().shift is ShiftState.CLOSED  # the Z report was taken


def test_a_wrong_receiver_password_is_said_beside_the_field(
    sqlite_db: Database, qtbot: QtBot
) -> None:
    db = sqlite_db
    desk = _desk(db)
    with view_context(db, desk.clerk) as ctx:
        dialog = CashDayDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.is_ready)
        assert "не подключена" in dialog.kkt_note.text()
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert "логин и пароль" in dialog.receiver_error.text()
        qtbot.keyClicks(dialog.receiver_login, "boss_ui")
        dialog.receiver_password.setText("не тот")
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.receiver_error.isVisible(), timeout=10000)
        assert dialog.receiver_error.text()
        assert dialog.receiver_password.text() == ""


def test_a_z_report_that_fails_leaves_the_day_closed_and_says_so(
    sqlite_db: Database, qtbot: QtBot, kkt_emulator: KktEmulator
) -> None:
    db = sqlite_db
    desk = _desk(db)
    kkt = register_of(kkt_emulator)
    kkt.open_shift(Cashier("Кассир"))  # an open shift, no cheques: nothing to explain
    kkt_emulator.fault("paper_out")  # the Z report cannot print
    with view_context(db, desk.clerk) as ctx:
        dialog = CashDayDialog(ctx, register=kkt)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.is_ready)
        qtbot.keyClicks(dialog.receiver_login, "boss_ui")
        dialog.receiver_password.setText(PASSWORD)
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "закрыта" in dialog.state.text(), timeout=10000)
        assert "Z-отчёт ККТ не снят" in dialog.kkt_note.text()
        assert "бумага" in dialog.kkt_note.text()
    assert cashday.cash_day(db, desk.clerk.office_id or 0, dt.date.today()).is_closed
    kkt_emulator.fault("")
    assert kkt.status().shift is ShiftState.OPENED  # the ККТ's shift is still to be closed
