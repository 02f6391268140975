"""Lock, connection state and the audit trail window, on a real embedded database."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QLineEdit

from console.models.enums import AuditAction, StaffRole
from console.services.core.database import Database
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import audit, audit_trail, passwords
from console.services.staff.actor import Actor
from console.services.staff.audit_trail import AuditRow
from console.services.staff.members import resolve_actor
from console.settings import load_settings
from console.views.common.context import ViewContext
from console.views.common.tasks import TaskRunner
from console.views.main_window import MainWindow
from console.views.staff.audit_model import AuditTableModel
from console.views.staff.audit_view import AuditView
from tests.support.factories import make_account, make_login
from tests.support.pgserver import PgServer

PASSWORD = "Пароль-2026!"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))


def _as(view_context: ViewContext, role: StaffRole, login: str) -> ViewContext:
    actor = make_login(view_context.db, login, role, PASSWORD)
    return replace(view_context, actor=actor)


_OPEN: list[MainWindow] = []


@pytest.fixture(autouse=True)
def close_windows(view_context: ViewContext) -> Iterator[None]:
    """Close windows before the context's task runner shuts down (as the application does)."""
    yield
    while _OPEN:
        window = _OPEN.pop()
        window.close()
        window.deleteLater()


def _window(qtbot, ctx: ViewContext) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    _OPEN.append(window)
    window.resize(1100, 640)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_lock_covers_the_window_and_keeps_typed_input(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    ctx = _as(view_context, StaffRole.CLERK, "ivanova.a")
    window = _window(qtbot, ctx)
    typed = QLineEdit()
    typed.setText("Иванов Пётр, Ленина 12-34")
    window.open_tab(typed, "Карточка", key="card")
    lock = window.inactivity_lock  # type: ignore[attr-defined]
    assert lock.timer.interval() == ctx.settings.lock_after_minutes * 60_000

    lock.timer.timeout.emit()  # the idle time has passed
    assert lock.is_locked and lock.prompt is not None
    qtbot.waitExposed(lock.prompt)
    assert lock.prompt.isModal() and lock.curtains and lock.curtains[0].isVisible()
    assert lock.curtains[0].geometry() == window.rect()
    lock.prompt.reject()  # Esc leaves it locked
    assert lock.is_locked and lock.prompt.isVisible()
    window.grab().save("/tmp/security-locked-window.png")
    lock.prompt.grab().save("/tmp/security-unlock-prompt.png")

    lock.prompt.password_edit.setText("неверный")
    lock.prompt.submit()
    qtbot.waitUntil(lock.prompt.error.isVisible, timeout=10000)
    assert "Неверный логин или пароль" in lock.prompt.error.text()
    assert lock.is_locked

    lock.prompt.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(lock.locked_changed, timeout=10000) as unlocked:
        qtbot.keyClick(lock.prompt.password_edit, Qt.Key.Key_Return)
    assert unlocked.args == [False] and not lock.is_locked
    qtbot.waitUntil(lambda: not window.findChildren(QLabel, "lockCurtain"), timeout=5000)
    assert typed.text() == "Иванов Пётр, Ленина 12-34"  # open work is still there
    assert lock.timer.isActive()


def _unlock_events(ctx: ViewContext) -> list[str]:
    from sqlalchemy import select

    from console.models import AuditEvent

    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.in_(("staff.unlock_failed", "staff.sign_out")))
                .order_by(AuditEvent.id)
            )
        )


def test_wrong_passwords_slow_down_then_sign_out(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    ctx = _as(view_context, StaffRole.CLERK, "petrova.b")
    window = _window(qtbot, ctx)
    lock = window.inactivity_lock  # type: ignore[attr-defined]
    lock.lock()
    prompt = lock.prompt
    prompt.delay_unit_ms = 20  # a second of the countdown, shortened for the test

    def wrong(expected_failures: int) -> None:
        prompt.password_edit.setText("неверный")
        prompt.submit()
        qtbot.waitUntil(lambda: prompt.failures == expected_failures, timeout=10000)

    wrong(1)
    wrong(2)
    assert prompt.password_edit.isEnabled() and not prompt.waiting
    wrong(3)  # from the third on, every further attempt waits
    assert prompt.waiting and prompt.wait_left_s == 2
    assert not prompt.password_edit.isEnabled() and not prompt.unlock_button.isEnabled()
    assert "Следующая попытка — через 2 с" in prompt.error.text()
    prompt.grab().save("/tmp/security-unlock-waiting.png")
    prompt.submit()  # Enter while waiting changes nothing
    assert prompt.failures == 3
    qtbot.waitUntil(lambda: prompt.password_edit.isEnabled(), timeout=10000)
    assert "Неверный логин или пароль" in prompt.error.text()
    wrong(4)
    assert prompt.wait_left_s == 4  # the wait grows
    qtbot.waitUntil(lambda: prompt.password_edit.isEnabled(), timeout=10000)
    with qtbot.waitSignal(lock.signed_out, timeout=10000):
        wrong(5)
    assert not window.isVisible()
    assert _unlock_events(ctx) == ["staff.unlock_failed"] * 5 + ["staff.sign_out"]


def test_retry_delays_grow_and_stop_at_a_minute() -> None:
    from console.views.staff.lock import retry_delay_ms

    assert [retry_delay_ms(n) for n in range(1, 7)] == [0, 0, 2000, 4000, 8000, 16000]
    assert retry_delay_ms(50) == 60_000


def test_lock_over_an_open_modal_dialog(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    ctx = _as(view_context, StaffRole.CLERK, "ivanova.a")
    window = _window(qtbot, ctx)
    form = QDialog(window)
    form.setModal(True)
    field = QLineEdit(form)
    field.setText("1234,56")
    form.show()
    window.inactivity_lock.lock()  # type: ignore[attr-defined]
    lock = window.inactivity_lock  # type: ignore[attr-defined]
    covered = {c.parentWidget() for c in lock.curtains}
    assert window in covered and form in covered
    assert QApplication.activeModalWidget() is lock.prompt
    lock.prompt.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(lock.locked_changed, timeout=10000):
        lock.prompt.submit()
    assert form.isVisible() and field.text() == "1234,56"


@pytest.mark.postgres
def test_connection_label_follows_the_server(qtbot, pg_server: PgServer, pg_db: Database) -> None:  # type: ignore[no-untyped-def]
    with pg_db.transaction() as session:
        ensure_reference_data(session)
    actor = resolve_actor(pg_db, "admin", "TMN-1", "desk")
    tasks = TaskRunner()
    ctx = ViewContext(pg_db, load_settings(str(pg_db.engine.url)), actor, tasks)
    try:
        window = _window(qtbot, ctx)
        label = window.findChild(QLabel, "connectionLabel")
        monitor = window.connection_monitor  # type: ignore[attr-defined]
        assert label is not None and label.text() == "Связь с базой: есть"
        try:
            pg_server.stop()
            with qtbot.waitSignal(monitor.changed, timeout=30000):
                monitor.check()
            assert label.text() == "Связь с базой: нет"
            assert monitor.timer.interval() < 10_000  # while down it asks again soon
            window.grab().save("/tmp/security-connection-down.png")
        finally:
            pg_server.start()
        with qtbot.waitSignal(monitor.changed, timeout=30000):
            monitor.check()  # the pool reconnects by itself
        assert label.text() == "Связь с базой: есть"
        assert "восстановлена" in window.statusBar().currentMessage()
    finally:
        tasks.shutdown()


def test_audit_menu_only_for_supervisors(qtbot, view_context: ViewContext) -> None:  # type: ignore[no-untyped-def]
    clerk = _window(qtbot, _as(view_context, StaffRole.CLERK, "clerk1"))
    assert "Журнал действий" not in [a.text() for a in clerk.office_menu.actions()]
    boss = _window(qtbot, _as(view_context, StaffRole.SUPERVISOR, "boss1"))
    action = next(a for a in boss.office_menu.actions() if a.text() == "Журнал действий")
    action.trigger()
    assert isinstance(boss.workspace.currentWidget(), AuditView)


def _record_trail(ctx: ViewContext, actor: Actor, count: int) -> str:
    ids = make_account(ctx.db)
    with ctx.db.transaction() as session:
        for n in range(count):
            audit.record(
                session, actor, AuditAction.CUSTOMER_UPDATE, "customer", ids.customer_id,
                account_id=ids.account_id,
                before={"phone": f"+7912000{n:04d}"}, after={"phone": f"+7912100{n:04d}"},
            )  # fmt: skip
    return ids.number


def test_audit_view_loads_pages_as_you_scroll_and_exports(  # type: ignore[no-untyped-def]
    qtbot, view_context: ViewContext, tmp_path: Path, qtmodeltester, monkeypatch
) -> None:
    ctx = _as(view_context, StaffRole.SUPERVISOR, "boss1")
    clerk = make_login(ctx.db, "ivanova.a", StaffRole.CLERK, PASSWORD)
    number = _record_trail(ctx, clerk, audit_trail.PAGE_SIZE + 30)
    window = _window(qtbot, ctx)
    view = AuditView(ctx)
    window.open_tab(view, "Журнал действий", "audit")
    qtbot.waitUntil(lambda: view.model.rowCount() == audit_trail.PAGE_SIZE, timeout=10000)
    assert view.model.canFetchMore()
    assert "прокрутите вниз" in view.status.text()
    window.grab().save("/tmp/security-audit-view.png")

    view.table.scrollToBottom()  # the view asks the model for more
    qtbot.waitUntil(lambda: view.model.rowCount() >= audit_trail.PAGE_SIZE + 30, timeout=10000)
    assert not view.model.canFetchMore()
    qtmodeltester.check(view.model)

    view.account_edit.setText("12ab")
    view.reload()
    qtbot.waitUntil(view.account_error.isVisible, timeout=10000)
    assert "до 13 цифр" in view.account_error.text()
    view.account_edit.setText(number)
    view.staff_combo.setCurrentIndex(view.staff_combo.findData(clerk.staff_id))
    view.reload()
    qtbot.waitUntil(lambda: not view.account_error.isVisible(), timeout=10000)
    # The table was scrolled to the bottom: it may ask for the next page at once ("Записей: …").
    qtbot.waitUntil(lambda: view.status.text().startswith(("Показано", "Записей:")), timeout=10000)
    first = view.model.rows[0]
    assert first.account_number == number and first.staff.endswith("(ivanova.a)")
    assert view.model.data(view.model.index(0, 7)).startswith("Телефон: +7912000")

    target = tmp_path / "журнал.csv"
    # «Выгрузить в CSV…» as the supervisor clicks it; the save dialog answers with the file.
    asked: list[str] = []

    def save_dialog(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(target), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith(".csv")
    qtbot.waitUntil(lambda: view.status.text().startswith("Выгружено"), timeout=10000)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert len(rows) == audit_trail.PAGE_SIZE + 31 and rows[1][8] == number


def test_audit_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = AuditTableModel()
    when = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
    model.reset(
        [
            AuditRow(n, when, "Сотрудник", "Офис", "desk", "payment.create", "Принят платёж",
                     "payment", str(n), "платёж", "7200000001", "amount: 500.00")
            for n in range(5, 0, -1)
        ],
        exhausted=False,
    )  # fmt: skip
    requested: list[object] = []
    model.fetch_requested.connect(requested.append)
    qtmodeltester.check(model)
    model.fetchMore()
    assert requested == [1] and not model.canFetchMore()
