"""A long message in a dialog wraps onto more lines: it is never clipped, and it never makes
the dialog wider than the office monitor (1280 pixels)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.views.appeals.dialog import AppealDialog
from console.views.common.context import ViewContext
from console.views.payments.dialog import PaymentDialog
from console.views.payments.reversal_dialog import PaymentReversalDialog
from tests.readings.test_reading_entry_window import make_ctx, open_dialog
from tests.support.factories import make_account, make_staff

LONG = " ".join(["Показания не приняты: проверьте дату снятия и значение по каждой зоне."] * 6)
SCREEN_WIDTH = 1280


@pytest.fixture
def ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "boss", StaffRole.ADMIN))


def _long_messages_wrap(dialog: QDialog, labels: list[QLabel]) -> None:
    for label in labels:
        label.setText(LONG)
        label.setVisible(True)
        QApplication.processEvents()
        assert label.wordWrap(), label.objectName()
        assert dialog.minimumSizeHint().width() <= SCREEN_WIDTH, label.objectName()


def test_reading_dialog_messages_wrap(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = open_dialog(qtbot, ctx, make_account(ctx.db).account_id)
    _long_messages_wrap(dialog, [dialog.header, dialog.date_message, dialog.banner, dialog.totals])


def test_payment_dialog_messages_wrap(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = PaymentDialog(ctx, make_account(ctx.db).account_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.dues is not None)
    _long_messages_wrap(dialog, [dialog.header, dialog.hint, dialog.change_label])
    dialog.stack.setCurrentIndex(1)
    _long_messages_wrap(dialog, [dialog.done_details])


def test_reversal_and_appeal_messages_wrap(qtbot: QtBot, ctx: ViewContext) -> None:
    account_id = make_account(ctx.db).account_id
    reversal = PaymentReversalDialog(ctx, account_id)
    qtbot.addWidget(reversal)
    reversal.show()
    _long_messages_wrap(reversal, [reversal.info])
    appeal = AppealDialog(ctx, account_id)
    qtbot.addWidget(appeal)
    appeal.show()
    qtbot.waitUntil(appeal.submit.isEnabled)
    _long_messages_wrap(appeal, [appeal.account_label, appeal.general_error])


def test_a_line_under_a_narrow_field_gets_the_height_it_needs(
    qtbot: QtBot, ctx: ViewContext
) -> None:
    """Under the 220-px cash field the error and the hint were cut to one line's height."""
    from decimal import Decimal

    from tests.support.factories import add_charge

    account = make_account(ctx.db)
    add_charge(ctx.db, account.account_id, Decimal("250.00"))
    dialog = PaymentDialog(ctx, account.account_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    dialog.total_edit.setText("99999999")
    dialog.total_edit.textEdited.emit("99999999")
    dialog.confirm.setChecked(True)
    dialog.take()  # cash is chosen and nothing received: the message goes under that field
    qtbot.waitUntil(dialog.cash_error.isVisible)
    for label in (dialog.cash_error, dialog.hint):
        qtbot.waitUntil(lambda label=label: label.height() > 0)
        assert label.height() >= label.heightForWidth(label.width()), label.text()
