"""Walking the registration form: prefill, errors next to fields, the number, the slip."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt

from console.models.enums import StaffRole
from console.services.appeals import queries
from console.services.core.database import Database
from console.views.appeals.dialog import AppealDialog
from tests.appeals.helpers import grab, view_context
from tests.support.factories import make_account, make_decided_refund, make_staff


def test_register_from_the_account_and_print_the_slip(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    with view_context(sqlite_db, clerk) as ctx:
        dialog = AppealDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.submit.isEnabled)
        assert dialog.applicant.text() == "Иванов Пётр Сергеевич"
        assert dialog.phone.text() == "+79123456789"
        assert acc.number in dialog.account_label.text()
        assert dialog.deadline.text().startswith("до ")
        grab(dialog, "dialog-prefilled")

        qtbot.keyClick(dialog.applicant, Qt.Key.Key_Return)  # Enter moves on to the phone
        assert dialog.phone.hasFocus() or dialog.isActiveWindow() is False
        assert not dialog.errors["text"].isVisible()
        # Ctrl+Enter registers; the text is empty
        qtbot.keyClick(dialog.applicant, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        error = dialog.errors["text"]
        qtbot.waitUntil(error.isVisible)
        assert "суть" in error.text()
        assert dialog.text.hasFocus() or dialog.isActiveWindow() is False
        grab(dialog, "dialog-error")

        dialog.text.setPlainText("Не согласен с начислением за октябрь.")
        scan = tmp_path / "скан.pdf"
        scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
        dialog.add_attachment_file(scan)
        with qtbot.waitSignal(dialog.registered) as signal:
            qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        done = signal.args[0]
        assert dialog.pages.currentIndex() == 1
        assert dialog.number_label.text() == done.number
        assert dialog.number_label.font().pointSize() >= 24
        grab(dialog, "dialog-done")

        printed: list[bytes] = []
        dialog.slip_printer = lambda pdf, title: printed.append(pdf) or True
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: bool(printed))
        assert "отправлен" in dialog.print_status.text()
        pdf = tmp_path / "slip.pdf"
        pdf.write_bytes(printed[0])
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert done.number in text and "Срок ответа" in text

        d = queries.details(sqlite_db, done.id)
        assert d.text == "Не согласен с начислением за октябрь."
        assert [a.filename for a in d.attachments] == ["скан.pdf"]


def test_prospective_customer_needs_a_contact(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    with view_context(sqlite_db, clerk) as ctx:
        dialog = AppealDialog(ctx, None)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.submit.isEnabled)
        assert "без лицевого счёта" in dialog.account_label.text()
        dialog.applicant.setText("Смирнова Анна")
        dialog.text.setPlainText("Хочу заключить договор на новый дом.")
        dialog.register()
        qtbot.waitUntil(dialog.errors["phone"].isVisible)
        assert dialog.applicant.text() == "Смирнова Анна"  # nothing typed is lost
        dialog.phone.setText("8 (912) 000-11-22")
        dialog.register()
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
        assert dialog.number_label.text().startswith("VOS-")
        assert not dialog.errors["phone"].isVisible()


def test_paid_service_order(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    acc = make_account(sqlite_db)
    with view_context(sqlite_db, clerk) as ctx:
        dialog = AppealDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.submit.isEnabled)
        assert not dialog.rows["paid_service"].isVisible()
        dialog.kind.setCurrentIndex(1)
        assert dialog.rows["paid_service"].isVisible()
        assert "₽" in dialog.service.currentText()
        grab(dialog, "dialog-order")
        dialog.register()
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
        assert dialog.result_number is not None
        d = queries.details(sqlite_db, dialog.result_number.id)
        assert d.kind_label == "Заказ платной услуги" and d.price is not None


def test_appeal_against_a_refund_decision(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    clerk = make_staff(sqlite_db, "clerk1", StaffRole.CLERK)
    decider = make_staff(sqlite_db, "decider", StaffRole.SUPERVISOR)
    other = make_staff(sqlite_db, "other", StaffRole.SUPERVISOR)
    acc = make_account(sqlite_db)
    make_decided_refund(sqlite_db, acc.account_id, registered_by=clerk, reviewed_by=decider)
    with view_context(sqlite_db, clerk) as ctx:
        dialog = AppealDialog(ctx, acc.account_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.submit.isEnabled)
        assert dialog.rows["disputes"].isVisible()
        dialog.decision.setCurrentIndex(1)
        assert "отказано" in dialog.decision.currentText()
        dialog.topic.setCurrentIndex(dialog.topic.findText("Жалоба", Qt.MatchFlag.MatchStartsWith))
        dialog.text.setPlainText("Не согласен с отказом в возврате переплаты.")
        grab(dialog, "dialog-dispute")
        dialog.register()
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
        assert other.full_name in dialog.done_details.text()
