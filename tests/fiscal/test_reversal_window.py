"""The reversal window sends the reversal's «возврат прихода» and says so when the ККТ refuses;
the reversal itself stands and its cheque waits for the desk's retry."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.fiscal import journal
from console.services.fiscal.factory import cash_register
from console.services.payments import counter
from console.views.payments.reversal_dialog import PaymentReversalDialog
from tests.fiscal.test_cheques import _form, _settings
from tests.support.factories import make_account, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.ui import grab, view_context


def test_a_refused_return_cheque_is_said_and_left_pending(
    sqlite_db: Database, kkt_emulator: KktEmulator, qtbot: QtBot
) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-rw", StaffRole.CLERK)
    boss = make_staff(db, "boss-rw", StaffRole.SUPERVISOR)
    acc = make_account(db)
    settings = _settings(kkt_emulator)
    paid = counter.take_payment_with_cheque(
        db, cash_register(settings),
        clerk, _form(db, acc.account_id, "400"), "rw-1", settings,
    )  # fmt: skip
    assert paid.cheque is not None and paid.cheque.registered
    kkt_emulator.fault("paper_out", 1)
    with view_context(db, boss, kkt_url=kkt_emulator.url, kkt_timeout_s=3.0) as ctx:
        dialog = PaymentReversalDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.resize(1000, 600)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        dialog.reason.setText("Ошибочный лицевой счёт")
        with qtbot.waitSignal(dialog.reversed, timeout=10000):
            qtbot.mouseClick(dialog.reverse_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Чек возврата прихода не пробит" in dialog.error.text())
        assert "бумаг" in dialog.error.text()
        assert dialog.info.text().startswith("Платёж сторнирован")
        grab(dialog, "/tmp/reversal-cheque-refused.png")
    assert counter.account_dues(db, acc.account_id).balance == Decimal("0.00")  # as before it
    assert journal.pending_count(db) == 1  # the return waits for the desk's retry
