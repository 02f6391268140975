"""The payment window with a ККТ: a customer's e-mail, the cheque's numbers after «Принять
оплату», the device's Russian error with «Пробить чек ещё раз», the receipt with the fiscal
attributes, large sums confirmed in words; the status bar counts pending cheques."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.documents import receipt
from console.services.fiscal import journal
from console.views.payments.cheque_status import ChequeLabel, ChequeMonitor
from console.views.payments.dialog import PaymentDialog
from tests.support.factories import add_charge, make_account, make_staff
from tests.support.kkt_process import KktEmulator
from tests.support.pdf import pdf_text
from tests.support.ui import grab, view_context


def _open(qtbot: QtBot, ctx: object, account_id: int) -> PaymentDialog:
    dialog = PaymentDialog(ctx, account_id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    return dialog


def test_a_payment_with_an_email_shows_the_cheque_and_prints_it(
    sqlite_db: Database, qtbot: QtBot, kkt_emulator: KktEmulator, tmp_path: Path
) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-kkt", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("686.00"))
    add_charge(db, acc.account_id, Decimal("48.60"), service_code="vdgo")
    with view_context(db, clerk, kkt_url=kkt_emulator.url, kkt_timeout_s=3.0) as ctx:
        dialog = _open(qtbot, ctx, acc.account_id)
        # A bad address is refused next to the field, and nothing is recorded.
        qtbot.keyClicks(dialog.received_edit, "1000")
        qtbot.keyClicks(dialog.contact_edit, "ivanova@mail")
        dialog.confirm.setChecked(True)
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(dialog.contact_error.text()), timeout=10000)
        assert "Электронная почта для чека указана неверно" in dialog.contact_error.text()
        assert dialog.stack.currentIndex() == 0
        dialog.contact_edit.clear()
        qtbot.keyClicks(dialog.contact_edit, "ivanova@mail.ru")
        grab(dialog, "/tmp/kkt-payment-dialog.png")
        with qtbot.waitSignal(dialog.paid, timeout=15000):
            qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        assert "Кассовый чек пробит: ФД № 1" in dialog.cheque_label.text()
        assert dialog.retry_button.isHidden()
        grab(dialog, "/tmp/kkt-payment-done.png")
        assert kkt_emulator.journal()[0]["task"]["clientInfo"] == {
            "emailOrPhone": "ivanova@mail.ru"
        }
        pid = dialog.payment_result.payment_id  # type: ignore[union-attr]
        pdf = receipt.receipt_pdf(db, clerk, pid, ctx.settings.receipt_width_mm)
        text = " ".join(pdf_text(pdf, tmp_path).split())
        assert "КАССОВЫЙ ЧЕК (приход) зарегистрирован в ККТ" in text and "ФПД" in text


def test_a_device_error_is_shown_in_russian_and_the_retry_button_pays_it_off(
    sqlite_db: Database, qtbot: QtBot, kkt_emulator: KktEmulator
) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-kkt", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("300.00"))
    kkt_emulator.fault("paper_out", 1)
    with view_context(db, clerk, kkt_url=kkt_emulator.url, kkt_timeout_s=3.0) as ctx:
        dialog = _open(qtbot, ctx, acc.account_id)
        dialog.card.setChecked(True)
        dialog.confirm.setChecked(True)
        with qtbot.waitSignal(dialog.paid, timeout=15000):
            qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        text = dialog.cheque_label.text()
        assert "В кассе закончилась бумага: вставьте новый рулон" in text
        assert "оплата сохранена" in text and dialog.retry_button.isVisible()
        grab(dialog, "/tmp/kkt-payment-paper-out.png")
        # The status bar's count and the background retry.
        label = ChequeLabel()
        monitor = ChequeMonitor(ctx)
        monitor.timer.stop()
        kkt_emulator.fault("paper_out")  # until cleared
        summary = _last(monitor, qtbot)
        label.show_summary(summary)
        assert summary.still_pending == 1 and label.text() == "Чеки ККТ: ожидают 1"
        assert "бумага" in label.toolTip()
        kkt_emulator.fault("")
        qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Кассовый чек пробит" in dialog.cheque_label.text(), timeout=15000)
        assert journal.pending_count(db) == 0
        assert len(kkt_emulator.journal()) == 1


def _last(monitor: ChequeMonitor, qtbot: QtBot) -> journal.RetrySummary:
    seen: list[journal.RetrySummary] = []
    monitor.changed.connect(seen.append)
    with qtbot.waitSignal(monitor.changed, timeout=15000):
        monitor.check()
    return seen[-1]


def test_a_huge_sum_is_confirmed_in_words(
    sqlite_db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_db
    clerk = make_staff(db, "kassa-big", StaffRole.CLERK)
    acc = make_account(db)
    add_charge(db, acc.account_id, Decimal("300.00"))
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with view_context(db, clerk) as ctx:
        dialog = _open(qtbot, ctx, acc.account_id)
        dialog.total_edit.selectAll()
        qtbot.keyClicks(dialog.total_edit, "99999999")
        dialog.total_edit.clearFocus()
        dialog.card.setChecked(True)
        dialog.confirm.setChecked(True)
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.approval_box.isVisible, timeout=10000)
        assert "девяносто девять миллионов девятьсот девяносто девять тысяч" in asked[0]
        assert "руководителя" in asked[0]
        assert "руководителя офиса" in dialog.confirm_error.text()
        assert dialog.stack.currentIndex() == 0  # nothing recorded without the supervisor
        grab(dialog, "/tmp/kkt-payment-supervisor.png")


def test_the_cards_payments_show_the_cheque(sqlite_db: Database, kkt_emulator: KktEmulator) -> None:
    from console.services.fiscal.factory import cash_register
    from console.services.payments import counter
    from console.settings import Settings
    from console.views.payments.history_model import PaymentHistoryModel

    clerk = make_staff(sqlite_db, "kassa-h", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    settings = Settings(kkt_url=kkt_emulator.url, kkt_timeout_s=3)
    kkt = cash_register(settings)
    for key, fault in (("h1", ""), ("h2", "paper_out")):
        kkt_emulator.fault(fault, 1) if fault else None
        dues = counter.account_dues(sqlite_db, acc.account_id)
        form = counter.PaymentForm(
            acc.account_id, Decimal("100"), counter.split(Decimal("100"), dues.dues()),
            counter.PaymentMethod.CARD, confirmed=True,
        )  # fmt: skip
        counter.take_payment_with_cheque(sqlite_db, kkt, clerk, form, key, settings)
    model = PaymentHistoryModel()
    model.set_rows(counter.account_payments(sqlite_db, acc.account_id))
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal) == "Чек ККТ"
    assert [model.index(r, last).data() for r in range(2)] == [
        "Ожидает регистрации в ККТ", "пробит",
    ]  # fmt: skip
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_the_status_bar_counts_pending_cheques_at_start(
    qtbot: QtBot, view_context: object, kkt_emulator: KktEmulator
) -> None:
    """A desk starts with a cheque left pending (the ККТ was off): the background retry at
    start counts it, and registers it once the ККТ answers."""
    from dataclasses import replace

    from PySide6.QtWidgets import QLabel

    from console.services.fiscal.factory import cash_register
    from console.services.payments import counter
    from console.settings import Settings
    from console.views.main_window import MainWindow

    ctx = view_context
    ctx.settings = replace(ctx.settings, kkt_url=kkt_emulator.url, kkt_timeout_s=3.0)  # type: ignore[attr-defined]
    db, actor = ctx.db, ctx.actor  # type: ignore[attr-defined]
    acc = make_account(db)
    dues = counter.account_dues(db, acc.account_id)
    form = counter.PaymentForm(
        acc.account_id, Decimal("100"), counter.split(Decimal("100"), dues.dues()),
        counter.PaymentMethod.CARD, confirmed=True,
    )  # fmt: skip
    settings: Settings = ctx.settings  # type: ignore[attr-defined]
    kkt_emulator.fault("fn_full")
    counter.take_payment_with_cheque(db, cash_register(settings), actor, form, "left", settings)
    window = MainWindow(ctx)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    label = window.findChild(QLabel, "chequeStatus")
    assert label is not None
    qtbot.waitUntil(lambda: label.text() == "Чеки ККТ: ожидают 1", timeout=15000)
    assert "Фискальный накопитель" in label.toolTip()
    grab(window, "/tmp/kkt-status-bar.png")
    kkt_emulator.fault("")
    window.cheque_monitor.check()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: label.text() == "Чеки ККТ: все пробиты", timeout=15000)
    assert journal.pending_count(db) == 0
