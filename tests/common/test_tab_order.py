"""Tab goes through a form as it reads: top to bottom, left to right on a row, every field once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.views.appeals.dialog import AppealDialog
from console.views.common.context import ViewContext
from console.views.payments.dialog import PaymentDialog
from console.views.readings.meter_replacement import MeterReplacementDialog
from console.views.refunds.dialogs import RefundRegisterDialog
from tests.readings.test_reading_entry_window import TODAY, make_ctx
from tests.support.factories import make_account, make_staff

ROW = 8  # widgets whose tops differ by less than this stand on one row


@pytest.fixture
def ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "boss", StaffRole.ADMIN))


def tab_chain(dialog: QDialog) -> list[QWidget]:
    """The widgets Tab visits from the first one, once round."""
    stops: list[QWidget] = []
    widget: QWidget | None = dialog.nextInFocusChain()
    while widget is not None and widget is not dialog and len(stops) < 300:
        tab = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        if tab and widget.isVisibleTo(dialog) and widget.isEnabled() and not widget.focusProxy():
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def backwards(dialog: QDialog) -> list[str]:
    """Pairs where Tab jumps up (or left on the same row)."""
    chain = tab_chain(dialog)
    where = [w.mapTo(dialog, w.rect().topLeft()) for w in chain]
    wrong = []
    stops = list(zip(chain, where, strict=True))
    for (a, pa), (b, pb) in zip(stops, stops[1:], strict=False):
        up = pb.y() < pa.y() - ROW
        left = abs(pb.y() - pa.y()) < ROW and pb.x() < pa.x()
        if up or left:
            wrong.append(
                f"{a.objectName() or type(a).__name__} → {b.objectName() or type(b).__name__}"
            )
    return wrong


def _shown(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def test_refund_form(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = RefundRegisterDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.context is not None)
    QApplication.processEvents()
    assert backwards(dialog) == []


def test_appeal_form(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = AppealDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(dialog.submit.isEnabled)
    assert backwards(dialog) == []


def test_meter_replacement_form(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = MeterReplacementDialog(ctx, make_account(ctx.db).account_id, today=TODAY)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.rows) and dialog.rows[0].edit.isVisible())
    assert backwards(dialog) == []


def test_payment_form(qtbot: QtBot, ctx: ViewContext) -> None:
    dialog = PaymentDialog(ctx, make_account(ctx.db).account_id)
    _shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.dues is not None)
    assert backwards(dialog) == []
