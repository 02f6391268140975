"""Refund windows: registration by a clerk, review by another supervisor, the «Возвраты» tab."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.enums import PaymentMethod, StaffRole
from console.services.core.database import Database
from console.services.payments import counter
from console.services.refunds import applications
from console.views.refunds.dialogs import RefundRegisterDialog
from console.views.refunds.model import OVERDUE, RefundsModel
from console.views.refunds.review_dialog import RefundReviewDialog
from console.views.refunds.tab import RefundQueueWidget, RefundsTab
from tests.support.factories import add_charge, make_account, make_staff, stored_identity
from tests.support.ui import grab, view_context

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _overpaid(db: Database) -> tuple[int, int, int, str]:
    clerk = make_staff(db, f"c{uuid.uuid4().hex[:6]}", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("100.00"))
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("600.00"), counter.split(Decimal("600.00"), dues.dues()),
        PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    paid = counter.take_payment(db, clerk, form, uuid.uuid4().hex)
    return acc.account_id, acc.customer_id, paid.payment_id, f"7101 {acc.number[-6:]}"


def test_register_refund_from_the_dialog(sqlite_db: Database, qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_db
    clerk = make_staff(db, "clerk-refund", StaffRole.CLERK)
    account_id, _customer, payment_id, _ = _overpaid(db)
    ctx_passport = applications.refund_context(db, account_id)
    assert ctx_passport.available == Decimal("500.00")
    stored = stored_identity(db, _customer)
    passport = f"{stored.series} {stored.number}"
    scan = tmp_path / "чек.png"
    scan.write_bytes(PNG)
    with view_context(db, clerk) as ctx:
        dialog = RefundRegisterDialog(ctx, account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.payments.count() == 1)
        assert dialog.amount.text() == "500,00"
        # Too much: refused next to the amount, the input stays.
        dialog.amount.setText("700,00")
        qtbot.keyClicks(dialog.passport, passport)
        dialog.reason.setCurrentIndex(
            dialog.reason.findData(applications.RefundReason.DOUBLE_PAYMENT)
        )
        dialog.payments.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.recipient.setText("Иванов Пётр Сергеевич")  # QTest types ASCII only
        qtbot.keyClicks(dialog.bic, "045354601")
        qtbot.keyClicks(dialog.settlement, "40702810946000003482")  # one digit off
        dialog.add_attachment(str(scan))
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.errors["settlement_account"].isVisible())
        assert "не сходится с БИК" in dialog.errors["settlement_account"].text()
        grab(dialog, "/tmp/payments-refund-register-error.png")
        dialog.settlement.setText("40702810946000003481")
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.errors["amount"].isVisible())
        assert "больше переплаты" in dialog.errors["amount"].text()
        assert dialog.amount.text() == "700,00"
        dialog.amount.setText("450,00")
        with qtbot.waitSignal(dialog.registered, timeout=10000) as blocker:
            qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        details = blocker.args[0]
        assert details.summary.amount == Decimal("450.00")
        assert details.payments[0][0] == payment_id
        assert details.attachments[0].filename == "чек.png"
        grab(dialog, "/tmp/payments-refund-register-done.png")
        assert "зарегистрировано" in dialog.done_title.text()


def test_review_dual_control_and_tab(sqlite_db: Database, qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_db
    boss = make_staff(db, "boss-a", StaffRole.SUPERVISOR)
    other = make_staff(db, "boss-b", StaffRole.SUPERVISOR)
    account_id, customer_id, payment_id, _ = _overpaid(db)
    stored = stored_identity(db, customer_id)
    passport = f"{stored.series}{stored.number}"
    request = applications.RefundRequest(
        account_id, customer_id, passport, Decimal("300.00"), applications.RefundReason.OVERPAYMENT,
        applications.RefundPayout.CASH, (payment_id,),
    )  # fmt: skip
    details = applications.register_refund(db, boss, request)
    rid = details.summary.refund_id
    with view_context(db, boss) as ctx:
        mine = RefundReviewDialog(ctx, rid)
        qtbot.addWidget(mine)
        mine.show()
        qtbot.waitUntil(lambda: mine.details is not None)
        assert not mine.buttons["approve"].isEnabled()
        assert "двойной контроль" in mine.control.text()
        grab(mine, "/tmp/payments-refund-review-self.png")
    with view_context(db, other) as ctx:
        dialog = RefundReviewDialog(ctx, rid)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.details is not None)
        assert dialog.buttons["approve"].isEnabled()
        qtbot.mouseClick(dialog.buttons["reject"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.note_error.isVisible())
        assert "причину отказа" in dialog.note_error.text()
        dialog.note.setPlainText("Переплата подтверждена")
        with qtbot.waitSignal(dialog.changed, timeout=10000):
            qtbot.mouseClick(dialog.buttons["approve"], Qt.MouseButton.LeftButton)
        assert dialog.fields["status"].text() == "Одобрено"
        assert dialog.buttons["paid"].isEnabled() and dialog.buttons["print_decision"].isEnabled()
        grab(dialog, "/tmp/payments-refund-review-approved.png")
        assert counter.account_dues(db, account_id).balance == Decimal("-200.00")

        tab = RefundsTab(ctx, account_id)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
        qtmodeltester.check(tab.model)
        grab(tab, "/tmp/payments-refunds-tab.png")
    clerk = make_staff(db, "clerk-pays", StaffRole.CLERK)
    with view_context(db, clerk) as ctx:
        seen = RefundReviewDialog(ctx, rid)
        qtbot.addWidget(seen)
        seen.show()
        qtbot.waitUntil(lambda: seen.details is not None)
        # An approved application: a clerk sees it but may not mark it paid or close it.
        assert seen.fields["status"].text() == "Одобрено"
        assert not seen.buttons["paid"].isEnabled()
        assert not seen.buttons["close"].isEnabled()
        assert seen.buttons["print_decision"].isEnabled()
        assert "руководитель офиса" in seen.control.text()
        grab(seen, "/tmp/payments-refund-review-clerk.png")


def test_overdue_rows_stand_out(sqlite_db: Database, qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    db = sqlite_db
    clerk = make_staff(db, "clerk-late", StaffRole.CLERK)
    account_id, customer_id, payment_id, _ = _overpaid(db)
    stored = stored_identity(db, customer_id)
    passport = f"{stored.series}{stored.number}"
    request = applications.RefundRequest(
        account_id, customer_id, passport, Decimal("100.00"), applications.RefundReason.OVERPAYMENT,
        applications.RefundPayout.CASH,
    )  # fmt: skip
    applications.register_refund(db, clerk, request, deadline_days=0)
    later = applications.review_queue(db, today=dt.date.today() + dt.timedelta(days=2))
    model = RefundsModel(show_account=True)
    model.set_rows(later)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == OVERDUE
    assert "просрочено на 2 дн." in model.index(0, model.columnCount() - 1).data()
    with view_context(db, clerk) as ctx:
        queue = RefundQueueWidget(ctx, clerk.office_id)
        qtbot.addWidget(queue)
        queue.show()
        qtbot.waitUntil(lambda: queue.model.rowCount() == 1)
        grab(queue, "/tmp/payments-refund-queue.png")
