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
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QStackedWidget, QWidget

from console.services.core.database import Database, create_db_engine
from console.services.staff.members import resolve_actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner


def say(*words: object) -> None:
    print(*words, flush=True)


def build(kind: str, ctx: ViewContext, account_id: int, today: dt.date) -> QDialog:
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--dialog", required=True)
    parser.add_argument("--account", type=int, required=True)
    parser.add_argument("--today", default="2026-11-10")
    parser.add_argument("--shot", help="save a picture of the dialog here once it is ready")
    parser.add_argument(
        "--where", default="", help="object names whose centres to print (AT name x y)"
    )
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    db = Database(create_db_engine(args.database))
    actor = resolve_actor(db, args.login, "TMN-1", "x-desk")
    tasks = TaskRunner()
    ctx = ViewContext(db=db, settings=Settings(), actor=actor, tasks=tasks)
    dialog = build(args.dialog, ctx, args.account, dt.date.fromisoformat(args.today))
    pages = dialog.findChild(QStackedWidget)
    if pages is not None:
        pages.currentChanged.connect(lambda index: say("PAGE", index))
    dialog.finished.connect(lambda result: say("DONE", result))
    for box in dialog.findChildren(QCheckBox):
        box.toggled.connect(lambda on, box=box: say("CHECKED", box.objectName(), int(on)))
    dialog.show()

    def ready() -> None:
        loaded = getattr(dialog, "is_ready", lambda: True)()
        if not loaded:
            QTimer.singleShot(50, ready)
            return
        if args.shot:
            dialog.grab().save(args.shot)
        for name in filter(None, args.where.split(",")):
            widget = dialog.findChild(QWidget, name)
            if widget is not None:
                centre = widget.mapToGlobal(widget.rect().center())
                say("AT", name, centre.x(), centre.y())
        frame = dialog.frameGeometry()
        say("READY", int(dialog.winId()), frame.x(), frame.y(), frame.width(), frame.height())

    QTimer.singleShot(50, ready)
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
