"""The counter visit in one flow: «Показания приняты», then one key for the payment (with the
amount the readings just added) and one for the month's payment document."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.formatting import money
from console.views.common.context import ViewContext
from console.views.documents.month_picker import MonthPickerDialog
from console.views.payments.dialog import PaymentDialog
from tests.readings.test_reading_entry_window import make_ctx, open_dialog, shot
from tests.support.factories import add_charge, make_account, make_staff


@pytest.fixture
def ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "clerk", StaffRole.CLERK))


def _accepted(qtbot: QtBot, ctx: ViewContext):  # type: ignore[no-untyped-def]
    ids = make_account(ctx.db)
    add_charge(ctx.db, ids.account_id, Decimal("100.00"))
    dialog = open_dialog(qtbot, ctx, ids.account_id)
    edit = dialog.findChild(QLineEdit, f"value_{ids.meter_id}_1")
    assert edit is not None
    qtbot.keyClicks(edit, "1350")  # 150 kWh more than before
    qtbot.keyClick(dialog, Qt.Key.Key_F9)  # not yet: nothing is accepted
    assert dialog.findChild(PaymentDialog) is None
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 1
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    return dialog


def test_f9_after_the_readings_takes_the_payment_with_the_new_amount(
    qtbot: QtBot, ctx: ViewContext
) -> None:
    dialog = _accepted(qtbot, ctx)
    assert dialog.outcome is not None and dialog.state is not None
    read = sum(r.amount or 0 for r in dialog.outcome.readings)
    due = dialog.state.balance + read  # owed before + the 150 kWh just read
    assert due > Decimal("100.00")
    assert (
        money(due, currency=True) in dialog.pay_button.text() and "F9" in dialog.pay_button.text()
    )
    shot(dialog, "reading-done-counter-visit")
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_F9)
    payment = dialog.findChild(PaymentDialog)
    assert payment is not None and payment.isVisible()
    qtbot.waitUntil(lambda: payment.dues is not None)
    assert payment.total_edit.value() == due
    payment.reject()
    assert dialog.pages.currentIndex() == 2  # the readings' page is still there to go on


def test_ctrl_p_after_the_readings_opens_the_months_document(
    qtbot: QtBot, ctx: ViewContext
) -> None:
    dialog = _accepted(qtbot, ctx)
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    picker = dialog.findChild(MonthPickerDialog)
    assert picker is not None and picker.isVisible()
    # Right after readings the month in progress comes first and is chosen: the interim document.
    qtbot.waitUntil(lambda: picker.months.count() > 0)
    assert picker.selected_interim()
    assert "предварительный расчёт" in picker.months.item(0).text()
    shot(picker, "month-picker-interim")
    picker.done(QDialog.DialogCode.Rejected)
