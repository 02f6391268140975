"""Marking a refund paid in the review window: a transfer needs its payment order beside the
fields; a cash payout shows its КО-2 and cheque and opens the КО-2 for printing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.enums import RefundPayout
from console.services.core.database import Database
from console.views.printing.preview import PdfPreviewDialog
from console.views.refunds.review_dialog import RefundReviewDialog
from tests.cashdesk.conftest import approved_refund, make_desk, pay
from tests.support.ui import grab, view_context


def test_a_transfer_is_marked_paid_with_its_payment_order(
    sqlite_db: Database, qtbot: QtBot
) -> None:
    db = sqlite_db
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "1000.00", cash=False)
    rid = approved_refund(db, desk, "300.00", RefundPayout.BANK_TRANSFER)
    with view_context(db, desk.boss2) as ctx:
        dialog = RefundReviewDialog(ctx, rid)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.details is not None)
        assert dialog.order_box.isVisible()
        qtbot.mouseClick(dialog.buttons["paid"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.order_error.isVisible(), timeout=10000)
        assert "номер платёжного поручения" in dialog.order_error.text()
        grab(dialog, "/tmp/refund-review-order-missing.png")
        qtbot.keyClicks(dialog.order_number, "415")
        dialog.order_date.setText(dt.date.today().strftime("%d.%m.%Y"))
        with qtbot.waitSignal(dialog.changed, timeout=10000):
            qtbot.mouseClick(dialog.buttons["paid"], Qt.MouseButton.LeftButton)
        assert "платёжное поручение № 415" in dialog.fields["paid"].text()
        assert not dialog.order_box.isVisible()
        assert not dialog.buttons["print_cash_order"].isEnabled()


def test_a_cash_payout_opens_its_cash_order(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    desk = make_desk(db)
    pay(db, desk.clerk, desk.acc.account_id, "1000.00")
    rid = approved_refund(db, desk, "300.00")
    with view_context(db, desk.boss2) as ctx:
        dialog = RefundReviewDialog(ctx, rid)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.details is not None)
        assert not dialog.order_box.isVisible()
        with qtbot.waitSignal(dialog.changed, timeout=10000):
            qtbot.mouseClick(dialog.buttons["paid"], Qt.MouseButton.LeftButton)
        assert "расходный кассовый ордер № РКО-TMN-1-" in dialog.fields["paid"].text()
        assert dialog.buttons["print_cash_order"].isEnabled()
        qtbot.waitUntil(lambda: bool(dialog.findChildren(PdfPreviewDialog)), timeout=5000)
        grab(dialog, "/tmp/refund-review-cash-paid.png")
