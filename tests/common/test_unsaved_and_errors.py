"""Forms keep what the clerk typed: Esc, «Отмена» and the close button ask first, and a red
message about a field goes once the field is changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.payments import counter
from console.views.appeals.dialog import AppealDialog
from console.views.common.context import ViewContext
from console.views.common.unsaved import QUESTION, UnsavedGuard
from console.views.payments.dialog import PaymentDialog
from console.views.readings.meter_replacement import MeterReplacementDialog
from console.views.refunds.dialogs import RefundRegisterDialog
from tests.readings.test_reading_entry_window import TODAY, make_ctx, open_dialog
from tests.support.factories import add_charge, make_account, make_staff


@pytest.fixture
def ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "clerk", StaffRole.CLERK))


class Answers:
    """Stands in for the «Закрыть без сохранения?» box: records the questions, answers them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked = 0
        self.answer = False
        monkeypatch.setattr(UnsavedGuard, "asker", staticmethod(self))

    def __call__(self, parent: QWidget) -> bool:
        self.asked += 1
        return self.answer


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


def _overpaid(db: Database) -> int:
    clerk = make_staff(db, f"c{uuid.uuid4().hex[:6]}", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("600.00"), counter.split(Decimal("600.00"), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    return acc.account_id


def _shown(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def _escape_asks(qtbot: QtBot, dialog: QDialog, field: QWidget, answers: Answers) -> None:
    """Esc with input: asked, «Нет» keeps the form; the close button asks too; «Да» closes."""
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert answers.asked == 1 and dialog.isVisible()
    dialog.close()
    assert answers.asked == 2 and dialog.isVisible()
    answers.answer = True
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert answers.asked == 3 and not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_question_is_the_one_of_the_issue() -> None:
    assert QUESTION == "Закрыть без сохранения? Введённое будет потеряно."


def test_refund_escape_asks_before_losing_the_typed_passport(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = RefundRegisterDialog(ctx, _overpaid(ctx.db))
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.payments.count() == 1)
    qtbot.keyClicks(dialog.passport, "7101 123456")
    _escape_asks(qtbot, dialog, dialog.passport, answers)


def test_refund_untouched_closes_at_once_and_its_cancel_asks(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = RefundRegisterDialog(ctx, _overpaid(ctx.db))
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.payments.count() == 1)
    dialog.payments.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.cancel_button.click()
    assert answers.asked == 1 and dialog.isVisible()
    dialog.payments.item(0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.keyClick(dialog.passport, Qt.Key.Key_Escape)
    assert answers.asked == 1 and not dialog.isVisible()


def test_refund_error_under_a_field_goes_once_it_is_changed(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = RefundRegisterDialog(ctx, _overpaid(ctx.db))
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.payments.count() == 1)
    dialog.amount.clear()
    dialog.register()  # no amount: said under the amount
    error = dialog.errors["amount"]
    assert error.isVisibleTo(dialog) and "сумму" in error.text()
    qtbot.keyClicks(dialog.amount, "100")
    assert not error.isVisibleTo(dialog)


def test_appeal_escape_asks_before_losing_the_typed_text(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = AppealDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(dialog.submit.isEnabled)
    qtbot.keyClick(dialog.topic, Qt.Key.Key_Escape)  # only prefilled: closes without asking
    assert answers.asked == 0 and not dialog.isVisible()
    dialog = AppealDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(dialog.submit.isEnabled)
    qtbot.keyClicks(dialog.text, "Ne soglasen")
    _escape_asks(qtbot, dialog, dialog.text, answers)


def test_appeal_error_under_the_text_goes_once_it_is_typed(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = AppealDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(dialog.submit.isEnabled)
    dialog.register()  # the text is empty
    error = dialog.errors["text"]
    qtbot.waitUntil(error.isVisible)
    qtbot.keyClicks(dialog.text, "Sut")
    assert not error.isVisibleTo(dialog)


def test_meter_replacement_escape_asks_and_banner_goes_when_fixed(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    ids = make_account(ctx.db)
    dialog = MeterReplacementDialog(ctx, ids.account_id, today=TODAY)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.rows))
    next_button = dialog.findChild(QPushButton, "nextButton")
    assert next_button is not None
    next_button.click()  # no final reading: the banner and the row say so
    assert dialog.banner.isVisibleTo(dialog)
    final = dialog.findChild(QLineEdit, f"value_{ids.meter_id}_1")
    assert final is not None
    qtbot.keyClicks(final, "1290")
    assert not dialog.banner.isVisibleTo(dialog)
    _escape_asks(qtbot, dialog, final, answers)


def test_meter_replacement_error_under_a_new_meter_field_goes_when_fixed(
    qtbot: QtBot, ctx: ViewContext
) -> None:
    ids = make_account(ctx.db)
    dialog = MeterReplacementDialog(ctx, ids.account_id, today=TODAY)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.rows))
    dialog._invalid("Заводской номер: только буквы и цифры.", "new.serial")
    label = dialog.findChild(QLabel, "error_new.serial")
    assert label is not None and label.isVisibleTo(dialog) and dialog.banner.isVisibleTo(dialog)
    serial = dialog.findChild(QLineEdit, "newSerial")
    assert serial is not None
    qtbot.keyClicks(serial, "M1")
    assert not label.isVisibleTo(dialog) and not dialog.banner.isVisibleTo(dialog)


def test_reading_banner_goes_once_the_clerk_types(qtbot: QtBot, ctx: ViewContext) -> None:
    ids = make_account(ctx.db)
    dialog = open_dialog(qtbot, ctx, ids.account_id)
    dialog.to_confirmation()  # nothing typed
    assert dialog.banner.isVisibleTo(dialog) and dialog.pages.currentIndex() == 0
    qtbot.keyClicks(dialog.rows[0].edit, "1")
    assert not dialog.banner.isVisibleTo(dialog)


def test_reading_escape_asks_before_losing_typed_readings(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = open_dialog(qtbot, ctx, make_account(ctx.db).account_id)
    qtbot.keyClicks(dialog.rows[0].edit, "1250")
    _escape_asks(qtbot, dialog, dialog.rows[0].edit, answers)


def test_payment_escape_asks_once_cash_is_typed(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    dialog = PaymentDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.dues is not None)
    qtbot.keyClicks(dialog.received_edit, "1000")
    _escape_asks(qtbot, dialog, dialog.received_edit, answers)


def test_customer_edit_escape_asks_once_something_was_changed(
    qtbot: QtBot, ctx: ViewContext, answers: Answers
) -> None:
    from console.views.registration.customer_edit_dialog import CustomerEditDialog

    customer = make_account(ctx.db).customer_id
    dialog = CustomerEditDialog(ctx, customer)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=10000)
    phone = dialog.fields["phone"].edit
    qtbot.keyClick(phone, Qt.Key.Key_Escape)  # nothing changed: closes at once, no question
    assert answers.asked == 0 and not dialog.isVisible()
    dialog = CustomerEditDialog(ctx, customer)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=10000)
    phone = dialog.fields["phone"].edit
    phone.selectAll()
    qtbot.keyClicks(phone, "8 912 000-11-22")
    _escape_asks(qtbot, dialog, phone, answers)
