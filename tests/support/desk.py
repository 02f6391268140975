"""One console dialog in a process of its own, for the real-keyboard tests (support/xserver.py).

    python -m tests.support.desk --database URL --login LOGIN --dialog reading --account ID

It prints ``AT <name> <x> <y>`` for the widgets named in ``--where`` and then
``READY <window id> <x> <y> <width> <height>`` once the dialog has loaded, ``PAGE <n>``
whenever its step changes and ``DONE <result>`` when it closes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from console.services.core.database import Database, create_db_engine
from console.services.staff.members import resolve_actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner


def say(*words: object) -> None:
    print(*words, flush=True)


def _pdf() -> bytes:
    """A one-page A4 PDF for the preview windows."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 760, "Receipt 0001")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _customer_of(ctx: ViewContext, account_id: int) -> int:
    from sqlalchemy import select

    from console.models import AccountHolder

    with ctx.db.read() as session:
        found = session.scalar(
            select(AccountHolder.customer_id).where(AccountHolder.account_id == account_id)
        )
    assert found is not None
    return int(found)


def build(kind: str, ctx: ViewContext, account_id: int, today: dt.date) -> QWidget:
    """The window under test: one of the console's dialogs, or the main window with a card."""
    if kind == "main":
        from console.services.lookup.search import search
        from console.views.main_window import MainWindow

        window = MainWindow(ctx)
        row = search(ctx.db, str(account_id_number(ctx, account_id))).rows[0]
        window.search_panel.open_account.emit(row.account_id, row.number)  # type: ignore[attr-defined]
        return window
    if kind == "refund":
        from console.views.refunds.dialogs import RefundRegisterDialog

        return RefundRegisterDialog(ctx, account_id)
    if kind == "appeal":
        from console.views.appeals.dialog import AppealDialog

        return AppealDialog(ctx, account_id)
    if kind == "wizard":
        from console.views.registration.wizard import RegistrationWizard

        return RegistrationWizard(ctx)
    if kind == "customer":
        from console.views.registration.customer_edit_dialog import CustomerEditDialog

        return CustomerEditDialog(ctx, _customer_of(ctx, account_id))
    if kind == "reversal":
        from console.views.payments.reversal_dialog import PaymentReversalDialog

        return PaymentReversalDialog(ctx, account_id)
    if kind == "closing":
        from console.views.payments.day_closing_dialog import DayClosingDialog

        return DayClosingDialog(ctx)
    if kind == "dayclose":  # the register as the app gets it: from --kkt-url
        from console.views.payments.cash_day_dialog import CashDayDialog
        from console.views.payments.plugin import desk_register

        return CashDayDialog(ctx, register=desk_register(ctx.settings))
    if kind == "batch":
        from console.views.documents.batch_print_dialog import BatchPrintDialog

        return BatchPrintDialog(ctx)
    if kind == "reports":
        from console.views.documents.reports_dialog import ReportsDialog

        return ReportsDialog(ctx, account_id, account_id_number(ctx, account_id))
    if kind == "receipt":
        from console.views.printing.preview import PdfPreviewDialog

        return PdfPreviewDialog(ctx, "Чек", _pdf, "чек.pdf")
    if kind == "document":
        from console.views.documents.preview import DocumentPreviewDialog

        return DocumentPreviewDialog(_pdf(), "документ.pdf", "Платёжный документ")
    if kind == "unlock":
        from console.views.staff.lock import UnlockDialog

        return UnlockDialog(ctx)
    if kind == "signin":
        from console.services.staff import auth
        from console.views.staff.sign_in import SignInDialog

        gate = auth.Gate(Settings(database_url=str(ctx.db.engine.url)), ctx.db)
        return SignInDialog(gate, ctx.tasks)
    if kind == "supervisor":  # the approval box as the reading dialog shows it, with a message
        from console.views.readings.confirmation_block import ConfirmationBlock

        holder = QDialog()
        holder.setWindowTitle("Подтверждение")
        block = ConfirmationBlock(ctx, "Показания сверены с клиентом", holder)
        block.prepare(["Расход больше обычного в 5 раз: проверьте показание."] * 2, True)
        QVBoxLayout(holder).addWidget(block)
        return holder
    if kind == "close_period":
        from console.views.billing.close_period import ClosePeriodDialog

        return ClosePeriodDialog(ctx)
    if kind == "reading":
        from console.views.readings.entry import ReadingEntryDialog

        return ReadingEntryDialog(ctx, account_id, today=today)
    if kind == "meter":
        from console.views.readings.meter_replacement import MeterReplacementDialog

        return MeterReplacementDialog(ctx, account_id, today=today)
    if kind == "payment":
        from console.views.payments.dialog import PaymentDialog

        return PaymentDialog(ctx, account_id)
    raise SystemExit(f"unknown dialog {kind}")


def account_id_number(ctx: ViewContext, account_id: int) -> str:
    from sqlalchemy import select

    from console.models import Account

    with ctx.db.read() as session:
        return str(session.scalar(select(Account.number).where(Account.id == account_id)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--dialog", required=True)
    parser.add_argument("--account", type=int, required=True)
    parser.add_argument("--today", default="2026-11-10")
    parser.add_argument("--kkt-url", default="", help="the ККТ (emulator) of this desk")
    parser.add_argument("--shot", help="save a picture of the dialog here once it is ready")
    parser.add_argument(
        "--where", default="", help="object names whose centres to print (AT name x y)"
    )
    parser.add_argument(
        "--settle", type=int, default=50, help="ms to wait after loading before READY"
    )
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    db = Database(create_db_engine(args.database))
    actor = resolve_actor(db, args.login, "TMN-1", "x-desk")
    tasks = TaskRunner()
    settings = Settings(kkt_url=args.kkt_url, kkt_timeout_s=5.0)
    ctx = ViewContext(db=db, settings=settings, actor=actor, tasks=tasks)
    dialog = build(args.dialog, ctx, args.account, dt.date.fromisoformat(args.today))
    pages = dialog.findChild(QStackedWidget)
    if isinstance(dialog, QWizard):
        dialog.currentIdChanged.connect(lambda index: say("PAGE", index))
    elif pages is not None:
        pages.currentChanged.connect(lambda index: say("PAGE", index))
    if isinstance(dialog, QDialog):
        dialog.finished.connect(lambda result: say("DONE", result))
    for box in dialog.findChildren(QCheckBox):
        box.toggled.connect(lambda on, box=box: say("CHECKED", box.objectName(), int(on)))
    dialog.show()

    def ready() -> None:
        loaded = getattr(dialog, "is_ready", lambda: True)()
        if not loaded:
            QTimer.singleShot(50, ready)
            return
        if args.settle > 0:  # what the loaded data adds (rows, messages) is laid out first
            QTimer.singleShot(args.settle, ready_now)
        else:
            ready_now()

    def ready_now() -> None:
        if args.shot:
            dialog.grab().save(args.shot)
        for name in filter(None, args.where.split(",")):
            widget = dialog.findChild(QWidget, name)
            if widget is not None:
                centre = widget.mapToGlobal(widget.rect().center())
                say("AT", name, centre.x(), centre.y())
        for bar in dialog.findChildren(QToolBar):
            more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
            if bar.isVisible() and more is not None and more.isVisible():
                say("OVERFLOW", bar.objectName())  # actions hidden behind «››»
        from console.views.common.action_strip import ActionStrip

        inside = dialog.rect()
        for strip in dialog.findChildren(ActionStrip):
            for action in strip.actions():
                button = strip.button_for(action)
                shown = button is not None and button.isVisible()
                box = button.rect().translated(button.mapTo(dialog, button.rect().topLeft())) if (
                    button is not None) else None  # fmt: skip
                if not shown or box is None or not inside.contains(box):
                    say("HIDDEN", action.text().replace(" ", "_"))
        frame = dialog.frameGeometry()
        say("READY", int(dialog.winId()), frame.x(), frame.y(), frame.width(), frame.height())

    QTimer.singleShot(50, ready)
    seen: list[QWidget] = []

    from console.views.common.form_widgets import ErrorLabel

    shown: dict[str, str] = {}

    def modal() -> None:  # a question box over the dialog: MODAL <text>, CLOSED when it goes
        for label in dialog.findChildren(ErrorLabel):  # SHOWN <name> <text> for a new message
            name, now = label.objectName(), label.text() if label.isVisible() else ""
            if name and now and shown.get(name) != now:
                say("SHOWN", name, now.replace(" ", "_"))
            shown[name] = now
        box = app.activeModalWidget()
        if box is not None and box is not dialog and box not in seen:
            seen.append(box)
            text = getattr(box, "text", lambda: box.windowTitle())()
            say("MODAL", int(box.winId()), text.replace(" ", "_"))
        for old in list(seen):
            if not old.isVisible():
                seen.remove(old)
                say("CLOSED", int(old.winId()))

    watch = QTimer(dialog)
    watch.timeout.connect(modal)
    watch.start(100)
    if os.environ.get("DESK_TRACE"):  # while writing a test: what has the focus, what is enabled
        from PySide6.QtWidgets import QLineEdit, QPushButton

        def trace() -> None:
            focus = app.focusWidget()
            buttons = [(b.text(), b.isEnabled(), b.isDefault()) for b in
                       dialog.findChildren(QPushButton) if b.isVisible()]  # fmt: skip
            edits = [(e.objectName(), e.text()) for e in dialog.findChildren(QLineEdit)]
            say("TRACE", focus.objectName() if focus else None, buttons, edits)

        timer = QTimer(dialog)
        timer.timeout.connect(trace)
        timer.start(1000)
    code = app.exec()
    tasks.shutdown()
    db.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main())
