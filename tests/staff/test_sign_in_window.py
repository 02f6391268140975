"""The sign-in and first-start windows as a clerk uses them, on a real embedded database."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings, Qt

from console.models.enums import StaffRole
from console.services.core.database import Database
from console.services.core.reference_data import ensure_reference_data
from console.services.staff import auth, credentials, passwords
from console.settings import load_settings
from console.views.common.tasks import TaskRunner
from console.views.staff.sign_in import FirstStartDialog, SignInDialog
from tests.support.factories import make_login

PASSWORD = "Пароль-2026!"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))


@pytest.fixture
def desk(sqlite_db: Database) -> Database:
    with sqlite_db.transaction() as session:
        ensure_reference_data(session)
    QSettings().remove("sign_in")
    return sqlite_db


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def _dialog(qtbot, desk: Database, tasks: TaskRunner) -> SignInDialog:  # type: ignore[no-untyped-def]
    gate = auth.Gate(load_settings(str(desk.engine.url), workstation="desk-3"), desk)
    dialog = SignInDialog(gate, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.office_combo.count() > 0, timeout=5000)
    return dialog


def test_sign_in_refuses_then_accepts_and_remembers(
    qtbot, desk: Database, tasks: TaskRunner
) -> None:  # type: ignore[no-untyped-def]
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    dialog = _dialog(qtbot, desk, tasks)
    assert dialog.office_combo.findData("TMN-1") >= 0

    qtbot.keyClicks(dialog.login_edit, "ivanova.a")
    qtbot.keyClicks(dialog.password_edit, "wrong-pass")  # QTest types ASCII only
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.general_error.isVisible, timeout=10000)
    assert dialog.general_error.text() == auth.BAD_CREDENTIALS
    assert dialog.login_edit.text() == "ivanova.a"  # typed input stays
    assert dialog.password_edit.selectedText() == "wrong-pass"
    dialog.grab().save("/tmp/security-sign-in-error.png")

    dialog.password_edit.setText(PASSWORD)
    dialog.remember_box.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.signed_in is not None
    assert dialog.signed_in.actor.login == "ivanova.a"
    assert dialog.signed_in.actor.workstation == "desk-3"
    target = dialog.gate.keyring_target()
    assert keyring.get_password(credentials.KEYRING_SERVICE, f"ivanova.a@{target}") == PASSWORD
    assert QSettings().value("sign_in/login") == "ivanova.a"

    again = _dialog(qtbot, desk, tasks)  # next morning: login and password are filled in
    assert again.login_edit.text() == "ivanova.a"
    assert again.password_edit.text() == PASSWORD and again.remember_box.isChecked()
    assert again.password_edit.hasFocus() or again.focusWidget() is again.password_edit
    again.remember_box.setChecked(False)
    with qtbot.waitSignal(again.accepted, timeout=10000):
        qtbot.keyClick(again.password_edit, Qt.Key.Key_Return)
    assert keyring.get_password(credentials.KEYRING_SERVICE, f"ivanova.a@{target}") is None


def test_empty_fields_and_unknown_office_are_shown_next_to_the_field(  # type: ignore[no-untyped-def]
    qtbot, desk: Database, tasks: TaskRunner
) -> None:
    make_login(desk, "ivanova.a", StaffRole.CLERK, PASSWORD)
    dialog = _dialog(qtbot, desk, tasks)
    dialog.submit()
    assert dialog.login_error.isVisible() and dialog.login_error.text() == "Введите логин."
    dialog.login_edit.setText("ivanova.a")
    dialog.submit()
    assert dialog.password_error.text() == "Введите пароль."
    dialog.password_edit.setText(PASSWORD)
    dialog.office_combo.setEditText("НЕТ-9")
    dialog.submit()
    qtbot.waitUntil(dialog.office_error.isVisible, timeout=10000)
    assert "НЕТ-9" in dialog.office_error.text() and dialog.signed_in is None
    dialog.resize(460, dialog.sizeHint().height())
    dialog.grab().save("/tmp/security-sign-in-office.png")


def test_first_start_sets_the_administrators_password(
    qtbot, desk: Database, tasks: TaskRunner
) -> None:  # type: ignore[no-untyped-def]
    gate = auth.Gate(load_settings(str(desk.engine.url)), desk)
    dialog = FirstStartDialog(gate, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.password_edit.setText("short")
    dialog.submit()  # Enter in the first field, nothing repeated yet
    assert dialog.error.text().startswith("Пароль слишком короткий"), dialog.error.text()
    dialog.password_edit.setText(PASSWORD)
    dialog.repeat_edit.setText(PASSWORD + "x")
    dialog.submit()
    assert dialog.error.text().startswith("Пароли не совпадают")
    dialog.grab().save("/tmp/security-first-start.png")
    dialog.repeat_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.submit()
    assert dialog.actor is not None and dialog.actor.is_admin
    assert not auth.needs_first_password(desk)


def test_first_start_can_be_postponed(qtbot, desk: Database, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstStartDialog(auth.Gate(load_settings(str(desk.engine.url)), desk), tasks)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and auth.needs_first_password(desk)
