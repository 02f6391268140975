"""The payment window as a clerk uses it: type the total, see the split, confirm, pay."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.payments import counter
from console.views.payments.dialog import PaymentDialog
from console.views.payments.split_model import COL_AMOUNT, COL_LOCK, PaymentSplitModel
from console.views.printing.preview import PdfPreviewDialog
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.ui import grab, view_context


def _amounts(model: PaymentSplitModel) -> list[str]:
    return [model.index(r, COL_AMOUNT).data() for r in range(model.rowCount())]


def test_take_cash_payment_with_advance(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-ui", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    with view_context(db, clerk) as ctx:
        dialog = PaymentDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
        assert dialog.total_edit.text() == "734,60"
        assert _amounts(dialog.model) == ["686,00", "48,60"]
        grab(dialog, "/tmp/payments-dialog-open.png")

        # A partial payment is shared in proportion to what is due.
        dialog.total_edit.selectAll()
        qtbot.keyClicks(dialog.total_edit, "100")
        assert _amounts(dialog.model) == ["93,38", "6,62"]
        # Zero the gas service: everything goes to electricity.
        dialog.table.selectRow(1)
        qtbot.keyClick(dialog, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        assert _amounts(dialog.model) == ["100,00", "0,00"]
        assert dialog.model.index(1, COL_LOCK).data(Qt.ItemDataRole.CheckStateRole) == (
            Qt.CheckState.Checked
        )
        qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Вернуть
        assert _amounts(dialog.model) == ["93,38", "6,62"]

        # Pay 1 000 with an advance (seed 004): the excess goes to electricity.
        dialog.total_edit.selectAll()
        qtbot.keyClicks(dialog.total_edit, "1 000")
        dialog.total_edit.clearFocus()
        assert _amounts(dialog.model) == ["951,40", "48,60"]
        assert "аванс 265,40" in dialog.hint.text().replace("\u00a0", " ")
        qtbot.keyClicks(dialog.received_edit, "1500")
        assert dialog.change_label.text().replace("\u00a0", " ") == "500,00 ₽"
        dialog.received_edit.editingFinished.emit()
        assert dialog.received_edit.text().replace("\u00a0", " ") == "1 500,00"
        assert not dialog.submit.isEnabled()  # «Итоговая сумма верна» not ticked yet
        dialog.confirm.setChecked(True)
        grab(dialog, "/tmp/payments-dialog-filled.png")
        with qtbot.waitSignal(dialog.paid, timeout=10000) as blocker:
            qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        result = blocker.args[0]
        assert result.amount == Decimal("1000.00") and dialog.stack.currentIndex() == 1
        grab(dialog, "/tmp/payments-dialog-done.png")
        dialog.show_receipt()
        preview = dialog.findChild(PdfPreviewDialog)
        assert preview is not None
        qtbot.waitUntil(lambda: preview.document.pageCount() == 1, timeout=10000)
        assert preview.print_button.isEnabled()
        qtbot.wait(500)  # QPdfView renders pages on its own thread
        grab(preview, "/tmp/payments-receipt-preview.png")
        assert counter.account_dues(db, acc.account_id).balance == Decimal("-265.40")
        # Pressing the button again (a double click) records nothing more.
        key = dialog.idempotency_key
        again = counter.take_payment(db, clerk, dialog.form(), key)
        assert again.replayed and again.payment_id == dialog.payment_result.payment_id  # type: ignore[union-attr]


def test_minimum_payment_message_next_to_the_total(sqlite_db: Database, qtbot: QtBot) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-ui2", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("17.73"))
    with view_context(db, clerk) as ctx:
        dialog = PaymentDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        assert dialog.total_edit.text() == "50,00"  # seed 001: the minimum is offered
        dialog.total_edit.selectAll()
        qtbot.keyClicks(dialog.total_edit, "17,73")
        dialog.card.setChecked(True)
        dialog.confirm.setChecked(True)
        assert not dialog.submit.isEnabled()
        assert dialog.total_error.isVisible()
        message = dialog.total_error.text().replace("\u00a0", " ")
        assert "Минимальная сумма платежа — 50,00" in message
        assert dialog.total_edit.text() == "17,73"  # what was typed stays
        grab(dialog, "/tmp/payments-dialog-min.png")
        # Short cash: the service refuses, the message sits under «Получено».
        dialog.total_edit.selectAll()
        qtbot.keyClicks(dialog.total_edit, "50")
        dialog.cash.setChecked(True)
        qtbot.keyClicks(dialog.received_edit, "20")
        dialog.confirm.setChecked(True)
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.cash_error.isVisible())
        assert "меньше суммы платежа" in dialog.cash_error.text()
        assert dialog.received_edit.text() == "20" and dialog.submit.isEnabled()
        assert counter.account_payments(db, acc.account_id) == ()


def test_split_model_passes_the_model_tester(sqlite_db: Database, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    acc = make_account(sqlite_db)
    add_charge(sqlite_db, acc.account_id, Decimal("10"))
    add_charge(sqlite_db, acc.account_id, Decimal("20"), service_code="vdgo")
    model = PaymentSplitModel()
    model.load(counter.account_dues(sqlite_db, acc.account_id))
    qtmodeltester.check(model)
