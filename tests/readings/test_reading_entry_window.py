"""The reading entry dialog as a clerk uses it: type, see the figures, confirm, accepted."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QScrollArea
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.account.readings import reading_history
from console.services.core.database import Database
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner
from console.views.readings.entry import ReadingEntryDialog
from tests.support.factories import add_reading, make_account, make_staff

TODAY = dt.date(2026, 11, 10)
SHOTS = Path(os.environ.get("CONSOLE_SHOTS", "/tmp/readings-png"))


def shot(widget: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def make_ctx(db: Database, actor: Actor) -> Iterator[ViewContext]:
    tasks = TaskRunner()
    yield ViewContext(db=db, settings=Settings(), actor=actor, tasks=tasks)
    tasks.shutdown()


@pytest.fixture
def clerk_ctx(sqlite_db: Database) -> Iterator[ViewContext]:
    yield from make_ctx(sqlite_db, make_staff(sqlite_db, "clerk", StaffRole.CLERK))


def open_dialog(qtbot: QtBot, ctx: ViewContext, account_id: int) -> ReadingEntryDialog:
    dialog = ReadingEntryDialog(ctx, account_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    # The meter boxes are added to a shown dialog: Qt shows them on its next turn of the loop.
    qtbot.waitUntil(lambda: all(row.edit.isVisibleTo(dialog) for row in dialog.rows))
    return dialog


def child(dialog: ReadingEntryDialog, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def test_live_figures_confirmation_and_accepted(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    ids = make_account(clerk_ctx.db, zones=2)
    dialog = open_dialog(qtbot, clerk_ctx, ids.account_id)
    m = ids.meter_id
    assert "1200" in child(dialog, QLabel, f"previous_{m}_1").text()
    assert "20.10.2026" in child(dialog, QLabel, f"previous_{m}_1").text()
    qtbot.keyClicks(child(dialog, QLineEdit, f"value_{m}_1"), "1350")
    assert child(dialog, QLabel, f"consumption_{m}_1").text() == "150 кВт·ч"
    assert child(dialog, QLabel, f"amount_{m}_1").text() == "919,50\u00a0₽"  # 150 × 6,13
    qtbot.keyClicks(child(dialog, QLineEdit, f"value_{m}_2"), "1260")
    assert "Ноябрь 2026" in child(dialog, QLabel, "periodNote").text()
    assert "к оплате" in child(dialog, QLabel, "totals").text()
    shot(dialog, "reading-entry")
    qtbot.keyClick(child(dialog, QLineEdit, f"value_{m}_2"), Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 1
    table = dialog.confirm_table
    assert [table.item(0, c).text() for c in range(4)] == [ids.serial, "День (Т1)", "1350", "150"]
    shot(dialog, "reading-confirm")
    qtbot.mouseClick(child(dialog, QPushButton, "confirmButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    assert child(dialog, QLabel, "doneTitle").text() == "Показания приняты"
    assert "Ноябрь 2026" in child(dialog, QLabel, "doneDetails").text()
    shot(dialog, "reading-done")
    values = [h.value for h in reading_history(clerk_ctx.db, ids.account_id)[:2]]
    assert sorted(values) == [Decimal("1260"), Decimal("1350")]


def test_errors_next_to_the_field_and_back_to_correct(qtbot: QtBot, clerk_ctx: ViewContext) -> None:
    ids = make_account(clerk_ctx.db)
    dialog = open_dialog(qtbot, clerk_ctx, ids.account_id)
    m = ids.meter_id
    edit = child(dialog, QLineEdit, f"value_{m}_1")
    qtbot.keyClicks(edit, "1100")
    message = child(dialog, QLabel, f"message_{m}_1")
    assert "меньше предыдущего" in message.text() and message.isVisibleTo(dialog)
    assert child(dialog, QCheckBox, f"rollover_{m}_1").isVisibleTo(dialog)
    shot(dialog, "reading-error")
    qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 0 and edit.text() == "1100"
    edit.setText("1250")
    qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    qtbot.mouseClick(child(dialog, QPushButton, "backButton"), Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 0 and edit.text() == "1250"


def test_warning_needs_the_check_and_very_high_a_supervisor(
    qtbot: QtBot, clerk_ctx: ViewContext
) -> None:
    ids = make_account(
        clerk_ctx.db, last_reading=Decimal("1300"), last_taken_on=dt.date(2026, 10, 31)
    )
    add_reading(clerk_ctx.db, ids.meter_id, "1000", dt.date(2026, 10, 1))
    dialog = open_dialog(qtbot, clerk_ctx, ids.account_id)
    edit = child(dialog, QLineEdit, f"value_{ids.meter_id}_1")
    qtbot.keyClicks(edit, "1700")  # 4× the usual
    qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)
    confirm = child(dialog, QPushButton, "confirmButton")
    assert not confirm.isEnabled()
    assert "выше обычного" in child(dialog, QLabel, "warnings").text()
    child(dialog, QCheckBox, "confirmCheck").setChecked(True)
    assert confirm.isEnabled()
    qtbot.mouseClick(child(dialog, QPushButton, "backButton"), Qt.MouseButton.LeftButton)
    edit.setText("5300")  # 40× the usual
    qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)
    child(dialog, QCheckBox, "confirmCheck").setChecked(True)
    assert dialog.confirmation.supervisor.isVisibleTo(dialog) and not confirm.isEnabled()
    assert child(dialog, QLineEdit, "supervisorLogin") is not None
    shot(dialog, "reading-supervisor")


def test_supervisor_approves_at_their_own_desk(qtbot: QtBot, sqlite_db: Database) -> None:
    ids = make_account(sqlite_db, last_reading=Decimal("1300"), last_taken_on=dt.date(2026, 10, 31))
    add_reading(sqlite_db, ids.meter_id, "1000", dt.date(2026, 10, 1))
    for ctx in make_ctx(sqlite_db, make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR)):
        dialog = open_dialog(qtbot, ctx, ids.account_id)
        qtbot.keyClicks(child(dialog, QLineEdit, f"value_{ids.meter_id}_1"), "5300")
        qtbot.mouseClick(child(dialog, QPushButton, "nextButton"), Qt.MouseButton.LeftButton)
        child(dialog, QCheckBox, "confirmCheck").setChecked(True)
        child(dialog, QCheckBox, "supervisorSelf").setChecked(True)
        qtbot.mouseClick(child(dialog, QPushButton, "confirmButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda d=dialog: d.pages.currentIndex() == 2)  # type: ignore[misc]
        assert reading_history(sqlite_db, ids.account_id)[0].approved_by == "Сотрудник boss"


def test_a_lower_reading_shows_its_message_and_checkbox_unclipped(
    qtbot: QtBot, clerk_ctx: ViewContext
) -> None:
    """«Переход через ноль» and its message fit the dialog: no sideways scrolling to read them."""
    ids = make_account(clerk_ctx.db)
    dialog = open_dialog(qtbot, clerk_ctx, ids.account_id)
    qtbot.keyClicks(child(dialog, QLineEdit, f"value_{ids.meter_id}_1"), "1100")
    assert child(dialog, QCheckBox, f"rollover_{ids.meter_id}_1").isVisibleTo(dialog)
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    qtbot.waitUntil(lambda: scroll.widget().width() >= scroll.widget().minimumSizeHint().width())
    assert scroll.horizontalScrollBar().maximum() == 0
