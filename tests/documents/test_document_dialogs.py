"""Month picker, batch printing, reports and the plugin, on real widgets and a real database."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.documents import data, payment_document
from console.services.staff.actor import Actor
from console.settings import Settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner
from console.views.documents import plugin
from console.views.documents.batch_print_dialog import BatchPrintDialog
from console.views.documents.month_picker import MonthPickerDialog
from console.views.documents.preview import DocumentPreview
from console.views.documents.reports_dialog import ReportsDialog
from console.views.main_window import MainWindow
from tests.support.factories import AccountIds, make_account, make_closed_month, make_staff
from tests.support.pdf_tools import page_count, pdf_text

AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
SHOTS = Path("/tmp/documents-shots")


def _ctx(db: Database, actor: Actor) -> ViewContext:
    return ViewContext(db=db, settings=Settings(database_url="sqlite://"), actor=actor,
                       tasks=TaskRunner())  # fmt: skip


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def accounts(sqlite_db: Database) -> list[AccountIds]:
    clerk = make_staff(sqlite_db, "kassa", StaffRole.CLERK)
    made = []
    for flat in ("5", "6", "7"):
        account = make_account(sqlite_db, street="Заречная", flat=flat,
                               last_taken_on=dt.date(2026, 7, 20))  # fmt: skip
        make_closed_month(sqlite_db, account, AUG, opening=Decimal("80.00"), paid_by=clerk,
                          paid=Decimal("50"))  # fmt: skip
        make_closed_month(sqlite_db, account, SEP, vdgo=True)
        made.append(account)
    return made


class FakeWindow(QMainWindow):
    """Stands for the main window: the tabs a plugin opens land here."""

    def __init__(self) -> None:
        super().__init__()
        self.tabs: list[tuple[QWidget, str]] = []

    def open_tab(self, widget: QWidget, title: str, key: str | None = None) -> QWidget:
        self.tabs.append((widget, title))
        return widget


class FakeCard(QWidget):
    """The AccountCard interface the plugins rely on (DESIGN: ctx, account_id, add_action…)."""

    def __init__(self, ctx: ViewContext, account: AccountIds) -> None:
        super().__init__()
        self.ctx, self.account_id, self.account_number = ctx, account.account_id, account.number
        self.actions_added: dict[str, QAction] = {}

    def add_action(self, text: str, shortcut: str | None, callback: Any) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(callback)
        self.addAction(action)
        self.actions_added[text] = action
        return action


def test_month_picker_lists_closed_months(
    qtbot: QtBot, sqlite_db: Database, accounts: list[AccountIds]
) -> None:
    ctx = _ctx(sqlite_db, make_staff(sqlite_db, "c1", StaffRole.CLERK))
    dialog = MonthPickerDialog(ctx, accounts[0].account_id, accounts[0].number)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.months.count() == 3)
    assert [dialog.months.item(i).text() for i in range(3)] == [
        "Октябрь 2026 — предварительный расчёт (месяц не закрыт)",
        "Сентябрь 2026",
        "Август 2026",
    ]
    assert dialog.selected_period() == SEP and dialog.ok_button.isEnabled()
    assert not dialog.selected_interim()
    dialog.show()
    _shot(dialog, "month-picker")


def test_card_plugin_opens_the_document_in_a_tab(
    qtbot: QtBot, sqlite_db: Database, accounts: list[AccountIds]
) -> None:
    ctx = _ctx(sqlite_db, make_staff(sqlite_db, "c2", StaffRole.CLERK))
    window = FakeWindow()
    qtbot.addWidget(window)
    card = FakeCard(ctx, accounts[1])
    window.setCentralWidget(card)
    plugin.install_card(card)
    assert set(card.actions_added) == {"Платёжный документ", "Отчёты"}
    picker = plugin.open_document(card)
    qtbot.waitUntil(lambda: picker.months.count() == 3)
    picker.months.setCurrentRow(2)  # Август 2026
    picker.accept()
    qtbot.waitUntil(lambda: len(window.tabs) == 1, timeout=10000)
    preview, title = window.tabs[0]
    assert isinstance(preview, DocumentPreview)
    assert title == f"Документ {accounts[1].number} · Август 2026"
    assert "ИНФОРМАЦИОННАЯ КВИТАНЦИЯ за Август 2026 г." in pdf_text(preview.pdf)
    # The month in progress: the interim document, marked preliminary, in a tab of its own.
    interim = plugin.open_document(card, prefer_interim=True)
    qtbot.waitUntil(lambda: interim.months.count() == 3)
    assert interim.selected_interim() and interim.selected_period() == dt.date(2026, 10, 1)
    interim.accept()
    qtbot.waitUntil(lambda: len(window.tabs) == 2, timeout=10000)
    preview, title = window.tabs[1]
    assert title == f"Предварительный расчёт {accounts[1].number} · Октябрь 2026"
    assert "ПРЕДВАРИТЕЛЬНЫЙ" in pdf_text(preview.pdf)
    reports_dialog = plugin.open_reports(card)
    qtbot.addWidget(reports_dialog)
    assert reports_dialog.kind.count() == 3


def test_batch_dialog_prints_a_street_with_progress(
    qtbot: QtBot,
    sqlite_db: Database,
    accounts: list[AccountIds],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = _ctx(sqlite_db, make_staff(sqlite_db, "boss", StaffRole.SUPERVISOR))
    threads: dict[str, set[str]] = {"gather": set(), "render": set()}
    real_gather, real_render = data.gather_many, payment_document.render

    def gather(*args: object, **kwargs: object) -> object:
        threads["gather"].add(threading.current_thread().name.split("_")[0])
        return real_gather(*args, **kwargs)  # type: ignore[arg-type]

    def render(*args: object, **kwargs: object) -> object:
        threads["render"].add(threading.current_thread().name.split("_")[0])
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "gather_many", gather)
    monkeypatch.setattr(payment_document, "render", render)
    ready: list[tuple[bytes, str, str]] = []
    dialog = BatchPrintDialog(ctx, on_ready=lambda *args: ready.append(args))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.period.count() == 2)
    dialog.street.setText("заречная")
    _shot(dialog, "batch-dialog")
    dialog.start()
    qtbot.waitUntil(lambda: bool(ready), timeout=20000)
    pdf, name, title = ready[0]
    assert page_count(pdf) == 3 and title == "Пакет за Сентябрь 2026"
    assert name == "Платёжные документы 2026-09.pdf"
    assert dialog.progress.maximum() == 3 and dialog.progress.value() == 3
    # reportlab on the render thread, every database read on the one database thread
    assert threads == {"gather": {"db"}, "render": {"render"}}


def test_batch_dialog_cancel_and_errors_next_to_the_field(
    qtbot: QtBot, sqlite_db: Database, accounts: list[AccountIds]
) -> None:
    ctx = _ctx(sqlite_db, make_staff(sqlite_db, "boss2", StaffRole.SUPERVISOR))
    dialog = BatchPrintDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.period.count() == 2)
    dialog.start()  # no street typed
    assert dialog.street_error.isVisible() and "улицу" in dialog.street_error.text()
    dialog.by_list.setChecked(True)
    dialog.numbers.setPlainText(f"{accounts[0].number}\n1234509876")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.list_error.isVisible(), timeout=10000)
    assert "1234509876" in dialog.list_error.text()
    assert dialog.numbers.toPlainText().endswith("1234509876")  # the typed list is kept
    dialog.numbers.setPlainText(" ".join(a.number for a in accounts))
    dialog.start()
    dialog.reject()  # Esc while running: cancels, stays open
    qtbot.waitUntil(lambda: dialog.status.text() == "Печать отменена.", timeout=10000)
    assert dialog.isVisible() and dialog.result_pdf is None
    clerk_dialog = BatchPrintDialog(_ctx(sqlite_db, make_staff(sqlite_db, "c3", StaffRole.CLERK)))
    qtbot.addWidget(clerk_dialog)
    assert not clerk_dialog.start_button.isEnabled()


def test_reports_dialog_table_print_and_export(
    qtbot: QtBot, qtmodeltester: Any, sqlite_db: Database, accounts: list[AccountIds],
    tmp_path: Path,
) -> None:  # fmt: skip
    ctx = _ctx(sqlite_db, make_staff(sqlite_db, "c4", StaffRole.CLERK))
    previews: list[tuple[bytes, str, str]] = []
    dialog = ReportsDialog(ctx, accounts[0].account_id, accounts[0].number,
                           on_preview=lambda *args: previews.append(args))  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(1)  # История начислений, last 6 months
    dialog.generate()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10000)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 4  # 2 + 1 (ВДГО in September) + «Итого»
    last = dialog.model.index(3, 0)
    assert dialog.model.data(last) == "Итого"
    _shot(dialog, "reports-charges")
    dialog.print_report()
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    assert "История начислений" in pdf_text(previews[0][0])
    dialog.export_to(tmp_path / "r.xlsx", "xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "r.xlsx").exists(), timeout=10000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Сохранено"), timeout=10000)
    assert load_workbook(tmp_path / "r.xlsx").active["A1"].value == "История начислений"

    dialog.kind.setCurrentIndex(0)  # История платежей
    dialog.start.setDate(dialog.start.date().fromString("01.08.2026", "dd.MM.yyyy"))
    dialog.end.setDate(dialog.end.date().fromString("30.09.2026", "dd.MM.yyyy"))
    dialog.generate()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10000)  # 1 payment + Итого
    qtmodeltester.check(dialog.model)
    dialog.export_to(tmp_path / "p.csv", "csv")
    qtbot.waitUntil(lambda: (tmp_path / "p.csv").exists(), timeout=10000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Сохранено"), timeout=10000)
    assert (tmp_path / "p.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_window_plugin_adds_office_actions(qtbot: QtBot, sqlite_db: Database) -> None:
    for login, role, enabled in (
        ("c5", StaffRole.CLERK, False),
        ("b5", StaffRole.SUPERVISOR, True),
    ):
        window = MainWindow(_ctx(sqlite_db, make_staff(sqlite_db, login, role)))
        qtbot.addWidget(window)
        actions = {a.text(): a for a in window.office_menu.actions()}
        assert actions["Пакетная печать платёжных документов…"].isEnabled() is enabled
        assert "Платежи за день по сотрудникам…" in actions
    dialog = plugin.open_office_reports(window)
    qtbot.addWidget(dialog)
    assert dialog.kind.currentData() == "office_day"
